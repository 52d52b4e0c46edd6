import { graphql, type ResultOf } from '../graphql.ts';
import { USER_FIELDS } from '../fragments/user-fields.ts';

/** Admin user list, one server page at a time (includes the private price rate and default account binding). */
export const USERS_QUERY = graphql(`
  query Users($filter: UserFilter, $page: PageInput) {
    users(filter: $filter, page: $page) {
      total
      items {
        ...UserFields
        priceRate
        accountGroupId
        accountIds
      }
    }
  }
`, [USER_FIELDS]);

/** A user as an admin sees it (with the private price rate). */
export type AdminUser = ResultOf<typeof USERS_QUERY>['users']['items'][number];
