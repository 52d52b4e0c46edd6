import { gql } from 'urql';

/** The token string comes back only in this response. */
export const CREATE_ACCESS_TOKEN_MUTATION = gql`
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
`;
