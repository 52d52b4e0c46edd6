import { graphql } from '../graphql.ts';
import { API_KEY_FIELDS } from '../fragments/api-key-fields.ts';

export const UPDATE_API_KEY_MUTATION = graphql(`
  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {
    updateApiKey(id: $id, input: $input) {
      ...ApiKeyFields
    }
  }
`, [API_KEY_FIELDS]);
