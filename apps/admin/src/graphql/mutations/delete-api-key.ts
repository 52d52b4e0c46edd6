import { graphql } from '../graphql.ts';

export const DELETE_API_KEY_MUTATION = graphql(`
  mutation DeleteApiKey($id: ID!) {
    deleteApiKey(id: $id)
  }
`);
