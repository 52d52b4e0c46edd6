import { graphql, type ResultOf } from '../graphql.ts';

/** An alert channel as the Alerts page shows it (URL and secret are never returned). */
export const ALERT_CHANNEL_FIELDS = graphql(`
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
`);

/** An alert channel as the Alerts page reads it. */
export type AlertChannel = ResultOf<typeof ALERT_CHANNEL_FIELDS>;
