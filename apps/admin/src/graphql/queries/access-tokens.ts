import { graphql, type ResultOf } from '../graphql.ts';

/** The caller's personal access tokens. */
export const ACCESS_TOKENS_QUERY = graphql(`
  query AccessTokens {
    accessTokens {
      id
      name
      tokenPrefix
      expiresAt
      lastUsedAt
      revokedAt
      createdAt
    }
  }
`);

/** One personal access token (never the secret). */
export type AccessToken = ResultOf<typeof ACCESS_TOKENS_QUERY>['accessTokens'][number];
