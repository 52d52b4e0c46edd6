import { graphql } from '../graphql.ts';

export const SET_API_KEY_ENABLED_MUTATION = graphql(`
  mutation SetApiKeyEnabled($id: ID!, $enabled: Boolean!) {
    setApiKeyEnabled(id: $id, enabled: $enabled) {
      id
      enabled
    }
  }
`);
