import { gql } from 'urql';

export const DELETE_API_KEY_MUTATION = gql`
  mutation DeleteApiKey($id: ID!) {
    deleteApiKey(id: $id)
  }
`;
