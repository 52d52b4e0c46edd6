import { graphql } from '../graphql.ts';
import { USER_FIELDS } from '../fragments/user-fields.ts';

export const LOGIN_MUTATION = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      user {
        ...UserFields
      }
    }
  }
`, [USER_FIELDS]);
