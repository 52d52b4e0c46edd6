import { graphql, type ResultOf } from '../graphql.ts';

/** One alert on one channel: where it stands. */
export const ALERT_DELIVERY_FIELDS = graphql(`
  fragment AlertDeliveryFields on AlertDelivery {
    id
    channelId
    channelName
    eventId
    eventType
    title
    status
    attempts
    lastError
    lastAttemptAt
    nextAttemptAt
    deliveredAt
    createdAt
  }
`);

/** An alert delivery as the Alerts page reads it. */
export type AlertDelivery = ResultOf<typeof ALERT_DELIVERY_FIELDS>;
