import { graphql } from '../graphql.ts';

export const CREATE_ACCOUNT_GROUP_MUTATION = graphql(`
  mutation CreateAccountGroup($input: CreateAccountGroupInput!) {
    createAccountGroup(input: $input) {
      id
    }
  }
`);
