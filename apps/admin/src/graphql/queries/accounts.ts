import { gql } from 'urql';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const ACCOUNTS_QUERY = gql`
  query Accounts {
    accounts {
      ...AccountFields
    }
  }
  ${ACCOUNT_FIELDS}
`;
