import { graphql } from '../graphql.ts';
import { API_KEY_FIELDS } from '../fragments/api-key-fields.ts';

/** The caller's own keys with their usage counters. */
export const MY_API_KEYS_QUERY = graphql(`
  query MyApiKeys {
    myApiKeys {
      ...ApiKeyFields
    }
  }
`, [API_KEY_FIELDS]);
