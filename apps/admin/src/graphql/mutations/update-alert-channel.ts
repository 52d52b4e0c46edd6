import { graphql } from '../graphql.ts';
import { ALERT_CHANNEL_FIELDS } from '../fragments/alert-channel-fields.ts';

export const UPDATE_ALERT_CHANNEL_MUTATION = graphql(`
  mutation UpdateAlertChannel($id: ID!, $input: UpdateAlertChannelInput!) {
    updateAlertChannel(id: $id, input: $input) {
      ...AlertChannelFields
    }
  }
`, [ALERT_CHANNEL_FIELDS]);
