import { graphql } from '../graphql.ts';
import { ALERT_CHANNEL_FIELDS } from '../fragments/alert-channel-fields.ts';

export const CREATE_ALERT_CHANNEL_MUTATION = graphql(`
  mutation CreateAlertChannel($input: CreateAlertChannelInput!) {
    createAlertChannel(input: $input) {
      ...AlertChannelFields
    }
  }
`, [ALERT_CHANNEL_FIELDS]);
