import { graphql } from '../graphql.ts';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const SET_ACCOUNT_SCHEDULABLE_MUTATION = graphql(`
  mutation SetAccountSchedulable($id: ID!, $schedulable: Boolean!) {
    setAccountSchedulable(id: $id, schedulable: $schedulable) {
      ...AccountFields
    }
  }
`, [ACCOUNT_FIELDS]);
