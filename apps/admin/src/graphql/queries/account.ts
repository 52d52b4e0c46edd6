import { gql } from 'urql';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const ACCOUNT_QUERY = gql`
  query Account($id: ID!) {
    account(id: $id) {
      ...AccountFields
    }
  }
  ${ACCOUNT_FIELDS}
`;
