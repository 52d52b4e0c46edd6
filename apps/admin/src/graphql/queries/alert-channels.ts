import { gql } from 'urql';
import { ALERT_CHANNEL_FIELDS } from '../fragments/alert-channel-fields.ts';

export const ALERT_CHANNELS_QUERY = gql`
  query AlertChannels {
    alertChannels {
      ...AlertChannelFields
    }
  }
  ${ALERT_CHANNEL_FIELDS}
`;
