import { graphql, type ResultOf } from '../graphql.ts';
import { API_KEY_FIELDS } from '../fragments/api-key-fields.ts';

/** Admin: every user's keys with owner, usage and account binding. */
export const ALL_API_KEYS_QUERY = graphql(`
  query AllApiKeys($filter: ApiKeyFilter, $page: PageInput) {
    allApiKeys(filter: $filter, page: $page) {
      total
      items {
        ...ApiKeyFields
        accountGroupId
        accountIds
        owner {
          id
          username
        }
      }
    }
  }
`, [API_KEY_FIELDS]);

/** A key with its owner, as an admin sees it. */
export type AdminApiKey = ResultOf<typeof ALL_API_KEYS_QUERY>['allApiKeys']['items'][number];
