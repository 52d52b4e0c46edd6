import { gql } from 'urql';
import { API_KEY_FIELDS } from '../fragments/api-key-fields.ts';

/** The full key comes back only in this response. */
export const CREATE_API_KEY_MUTATION = gql`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      key
      apiKey {
        ...ApiKeyFields
      }
    }
  }
  ${API_KEY_FIELDS}
`;
