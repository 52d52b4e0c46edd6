import { gql } from 'urql';

export const REVOKE_ACCESS_TOKEN_MUTATION = gql`
  mutation RevokeAccessToken($id: ID!) {
    revokeAccessToken(id: $id) {
      id
      revokedAt
    }
  }
`;
