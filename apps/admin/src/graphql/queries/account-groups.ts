import { graphql, type ResultOf } from '../graphql.ts';

/** Admin: every account group with its members and how many keys and users are bound to it. */
export const ACCOUNT_GROUPS_QUERY = graphql(`
  query AccountGroups {
    accountGroups {
      id
      name
      description
      accountIds
      keyCount
      userCount
    }
  }
`);

export type AccountGroup = ResultOf<typeof ACCOUNT_GROUPS_QUERY>['accountGroups'][number];
