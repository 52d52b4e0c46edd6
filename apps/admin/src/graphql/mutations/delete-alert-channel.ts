import { graphql } from '../graphql.ts';

export const DELETE_ALERT_CHANNEL_MUTATION = graphql(`
  mutation DeleteAlertChannel($id: ID!) {
    deleteAlertChannel(id: $id)
  }
`);
