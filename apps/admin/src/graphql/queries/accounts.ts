import { graphql } from '../graphql.ts';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const ACCOUNTS_QUERY = graphql(`
  query Accounts {
    accounts {
      ...AccountFields
    }
  }
`, [ACCOUNT_FIELDS]);
