import { graphql } from '../graphql.ts';

export const DELETE_ACCOUNT_MUTATION = graphql(`
  mutation DeleteAccount($id: ID!) {
    deleteAccount(id: $id)
  }
`);
