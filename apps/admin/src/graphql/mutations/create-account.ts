import { graphql } from '../graphql.ts';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const CREATE_ACCOUNT_MUTATION = graphql(`
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      ...AccountFields
    }
  }
`, [ACCOUNT_FIELDS]);
