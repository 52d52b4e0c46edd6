import { gql } from 'urql';
import { USER_FIELDS } from '../fragments/user-fields.ts';

/** Admin user list, one server page at a time (includes the private price rate). */
export const USERS_QUERY = gql`
  query Users($filter: UserFilter, $page: PageInput) {
    users(filter: $filter, page: $page) {
      total
      items {
        ...UserFields
        priceRate
      }
    }
  }
  ${USER_FIELDS}
`;
