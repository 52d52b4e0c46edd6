import { graphql } from '../graphql.ts';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const ACCOUNT_QUERY = graphql(`
  query Account($id: ID!) {
    account(id: $id) {
      ...AccountFields
    }
  }
`, [ACCOUNT_FIELDS]);
