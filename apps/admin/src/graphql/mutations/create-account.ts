import { gql } from 'urql';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const CREATE_ACCOUNT_MUTATION = gql`
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      ...AccountFields
    }
  }
  ${ACCOUNT_FIELDS}
`;
