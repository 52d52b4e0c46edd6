import { gql } from 'urql';
import { ALERT_CHANNEL_FIELDS } from '../fragments/alert-channel-fields.ts';

export const CREATE_ALERT_CHANNEL_MUTATION = gql`
  mutation CreateAlertChannel($input: CreateAlertChannelInput!) {
    createAlertChannel(input: $input) {
      ...AlertChannelFields
    }
  }
  ${ALERT_CHANNEL_FIELDS}
`;
