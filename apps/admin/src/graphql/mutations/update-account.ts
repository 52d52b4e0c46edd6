import { gql } from 'urql';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const UPDATE_ACCOUNT_MUTATION = gql`
  mutation UpdateAccount($id: ID!, $input: UpdateAccountInput!) {
    updateAccount(id: $id, input: $input) {
      ...AccountFields
    }
  }
  ${ACCOUNT_FIELDS}
`;
