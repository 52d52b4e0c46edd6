import { graphql } from '../graphql.ts';
import { API_KEY_FIELDS } from '../fragments/api-key-fields.ts';

/** The full key comes back only in this response. */
export const CREATE_API_KEY_MUTATION = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      key
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`, [API_KEY_FIELDS]);
