import { gql } from 'urql';

export const SET_API_KEY_ENABLED_MUTATION = gql`
  mutation SetApiKeyEnabled($id: ID!, $enabled: Boolean!) {
    setApiKeyEnabled(id: $id, enabled: $enabled) {
      id
      enabled
    }
  }
`;
