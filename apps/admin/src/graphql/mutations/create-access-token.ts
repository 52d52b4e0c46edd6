import { graphql } from '../graphql.ts';

/** The token string comes back only in this response. */
export const CREATE_ACCESS_TOKEN_MUTATION = graphql(`
  mutation CreateAccessToken($name: String!, $expiresAt: DateTime) {
    createAccessToken(name: $name, expiresAt: $expiresAt) {
      token
      accessToken {
        id
        name
        tokenPrefix
        expiresAt
        createdAt
      }
    }
  }
`);
