import { graphql } from '../graphql.ts';
import { ALERT_CHANNEL_FIELDS } from '../fragments/alert-channel-fields.ts';

export const ALERT_CHANNELS_QUERY = graphql(`
  query AlertChannels {
    alertChannels {
      ...AlertChannelFields
    }
  }
`, [ALERT_CHANNEL_FIELDS]);
