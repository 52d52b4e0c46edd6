import { gql } from 'urql';

/** One alert on one channel: where it stands. */
export const ALERT_DELIVERY_FIELDS = gql`
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
`;
