import { gql } from 'urql';

/** An alert channel as the Alerts page shows it (URL and secret are never returned). */
export const ALERT_CHANNEL_FIELDS = gql`
  fragment AlertChannelFields on AlertChannel {
    id
    name
    kind
    urlHint
    signed
    enabled
    events
    updatedAt
  }
`;
