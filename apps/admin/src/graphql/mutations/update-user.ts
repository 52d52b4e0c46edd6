import { graphql } from '../graphql.ts';
import { USER_FIELDS } from '../fragments/user-fields.ts';

export const UPDATE_USER_MUTATION = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      ...UserFields
      priceRate
    }
  }
`, [USER_FIELDS]);
