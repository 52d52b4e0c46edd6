import { gql } from 'urql';
import { API_KEY_FIELDS } from '../fragments/api-key-fields.ts';

export const UPDATE_API_KEY_MUTATION = gql`
  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {
    updateApiKey(id: $id, input: $input) {
      ...ApiKeyFields
    }
  }
  ${API_KEY_FIELDS}
`;
