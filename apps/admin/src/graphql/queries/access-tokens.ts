import { gql } from 'urql';

/** The caller's personal access tokens. */
export const ACCESS_TOKENS_QUERY = gql`
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
`;
