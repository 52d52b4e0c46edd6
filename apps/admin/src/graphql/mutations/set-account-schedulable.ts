import { gql } from 'urql';
import { ACCOUNT_FIELDS } from '../fragments/account-fields.ts';

export const SET_ACCOUNT_SCHEDULABLE_MUTATION = gql`
  mutation SetAccountSchedulable($id: ID!, $schedulable: Boolean!) {
    setAccountSchedulable(id: $id, schedulable: $schedulable) {
      ...AccountFields
    }
  }
  ${ACCOUNT_FIELDS}
`;
