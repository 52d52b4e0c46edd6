import { graphql } from '../graphql.ts';

export const DELETE_ACCOUNT_GROUP_MUTATION = graphql(`
  mutation DeleteAccountGroup($id: ID!) {
    deleteAccountGroup(id: $id)
  }
`);
