import { graphql } from '../graphql.ts';

export const UPDATE_ACCOUNT_GROUP_MUTATION = graphql(`
  mutation UpdateAccountGroup($id: ID!, $input: UpdateAccountGroupInput!) {
    updateAccountGroup(id: $id, input: $input) {
      id
    }
  }
`);
