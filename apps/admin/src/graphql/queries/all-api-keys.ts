import { gql } from 'urql';
import { API_KEY_FIELDS } from '../fragments/api-key-fields.ts';

/** Admin: every user's keys with owner and usage. */
export const ALL_API_KEYS_QUERY = gql`
  query AllApiKeys($filter: ApiKeyFilter, $page: PageInput) {
    allApiKeys(filter: $filter, page: $page) {
      total
      items {
        ...ApiKeyFields
        owner {
          id
          username
        }
      }
    }
  }
  ${API_KEY_FIELDS}
`;
