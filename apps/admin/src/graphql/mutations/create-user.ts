import { graphql } from '../graphql.ts';
import { USER_FIELDS } from '../fragments/user-fields.ts';

export const CREATE_USER_MUTATION = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserFields
      priceRate
    }
  }
`, [USER_FIELDS]);
