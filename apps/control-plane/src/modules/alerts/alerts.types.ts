import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AlertChannel, AlertDelivery } from '@relay/db';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { Paged } from '../../graphql/pagination.ts';
import type { AlertEvent } from './alert-events.ts';

/** GraphQL names of the channel kinds; values are the stored kinds. */
export enum AlertChannelKindEnum {
  WEBHOOK = 'webhook',
  SLACK = 'slack',
  FEISHU = 'feishu',
  DINGTALK = 'dingtalk',
  WECOM = 'wecom',
}
registerEnumType(AlertChannelKindEnum, {
  name: 'AlertChannelKind',
  description: 'How alerts are shaped and signed for a destination.',
  valuesConfig: {
    WEBHOOK: { description: 'Generic JSON webhook, signed: X-Relay-Signature = sha256=hex(HMAC-SHA256(secret, timestamp + "." + body)), X-Relay-Timestamp, X-Relay-Event-Id.' },
    SLACK: { description: 'Slack incoming webhook (text + blocks).' },
    FEISHU: { description: 'Feishu/Lark custom bot (msg_type text); with a secret, signed with timestamp + sign.' },
    DINGTALK: { description: 'DingTalk robot (msgtype text); with a secret, signed with the timestamp and sign query parameters.' },
    WECOM: { description: 'WeCom (WeChat Work) group robot (msgtype text).' },
  },
});

/** GraphQL names of the event types; values are the dotted ids (`account.error`). */
export enum AlertEventTypeEnum {
  ACCOUNT_ERROR = 'account.error',
  ACCOUNT_RECOVERED = 'account.recovered',
  ACCOUNT_PAUSED = 'account.paused',
  ACCOUNT_RESUMED = 'account.resumed',
  OAUTH_REFRESH_FAILED = 'oauth.refresh_failed',
  KEY_BUDGET = 'key.budget',
  INGESTER_LAGGING = 'ingester.lagging',
}
registerEnumType(AlertEventTypeEnum, {
  name: 'AlertEventType',
  description: 'A kind of fact an alert channel can subscribe to.',
  valuesConfig: {
    ACCOUNT_ERROR: { description: 'An account was put in ERROR (repeated upstream auth failures, a refused OAuth refresh).' },
    ACCOUNT_RECOVERED: { description: 'An account in ERROR is ACTIVE again.' },
    ACCOUNT_PAUSED: { description: 'An account stopped being scheduled for a while (e.g. its usage window is spent).' },
    ACCOUNT_RESUMED: { description: 'A paused account is scheduled again.' },
    OAUTH_REFRESH_FAILED: { description: 'Refreshing a Claude OAuth token failed.' },
    KEY_BUDGET: { description: 'An API key reached 80 % or 100 % of its daily or total cost limit (once per threshold and period).' },
    INGESTER_LAGGING: { description: 'Usage events waited unprocessed above INGESTER_LAG_ALERT_ENTRIES for INGESTER_LAG_ALERT_SECONDS.' },
  },
});

export enum AlertDeliveryStatusEnum {
  PENDING = 'pending',
  SENDING = 'sending',
  DELIVERED = 'delivered',
  FAILED = 'failed',
}
registerEnumType(AlertDeliveryStatusEnum, {
  name: 'AlertDeliveryStatus',
  description: 'Where one alert stands on one channel.',
  valuesConfig: {
    PENDING: { description: 'Queued, or waiting for its next attempt.' },
    SENDING: { description: 'A delivery worker is sending it.' },
    DELIVERED: { description: 'The channel accepted it.' },
    FAILED: { description: 'Every attempt failed (see lastError).' },
  },
});

@ObjectType('AlertChannel', { description: 'A destination for operator alerts. Its URL and secret are stored encrypted and never returned.' })
export class AlertChannelType {
  @Field(() => ID, { description: 'Channel id.' })
  id!: string;

  @Field(() => String, { description: 'Display name.' })
  name!: string;

  @Field(() => AlertChannelKindEnum, { description: 'Message format.' })
  kind!: AlertChannelKindEnum;

  @Field(() => String, { description: 'Scheme, host and port of the URL (its path and query may hold tokens and are not shown).' })
  urlHint!: string;

  @Field(() => Boolean, { description: 'Whether a signing secret is set.' })
  signed!: boolean;

  @Field(() => Boolean, { description: 'Disabled channels receive no new alerts.' })
  enabled!: boolean;

  @Field(() => [AlertEventTypeEnum], { description: 'Event types sent to this channel.' })
  events!: AlertEventTypeEnum[];

  @Field(() => DateTimeScalar, { description: 'When the channel was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the channel was last changed.' })
  updatedAt!: Date;

  static from(c: AlertChannel, signed: boolean): AlertChannelType {
    return Object.assign(new AlertChannelType(), {
      id: String(c.id), name: c.name, kind: c.kind as AlertChannelKindEnum, urlHint: c.urlHint, signed, enabled: c.enabled,
      events: c.events as AlertEventTypeEnum[], createdAt: c.createdAt, updatedAt: c.updatedAt,
    });
  }
}

@ObjectType('AlertDelivery', { description: 'One alert on one channel: its status, attempts and last error.' })
export class AlertDeliveryType {
  @Field(() => ID, { description: 'Delivery id.' })
  id!: string;

  @Field(() => ID, { description: 'Channel id.' })
  channelId!: string;

  @Field(() => String, { nullable: true, description: 'Channel name (null once the channel is deleted).' })
  channelName!: string | null;

  @Field(() => String, { description: 'The event id (the X-Relay-Event-Id receivers deduplicate on).' })
  eventId!: string;

  @Field(() => String, { description: 'Event type, e.g. "account.error", or "test".' })
  eventType!: string;

  @Field(() => String, { description: 'One-line summary of the event.' })
  title!: string;

  @Field(() => AlertDeliveryStatusEnum, { description: 'Delivery status.' })
  status!: AlertDeliveryStatusEnum;

  @Field(() => Int, { description: 'Sends made so far.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Error of the last failed send.' })
  lastError!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was last sent.' })
  lastAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next attempt is due (pending only).' })
  nextAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the channel accepted it.' })
  deliveredAt!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When it was queued.' })
  createdAt!: Date;

  static from(d: AlertDelivery, channelName: string | null): AlertDeliveryType {
    const event = d.event as unknown as Partial<AlertEvent>;
    return Object.assign(new AlertDeliveryType(), {
      id: String(d.id), channelId: String(d.channelId), channelName, eventId: d.eventId, eventType: d.eventType,
      title: typeof event.title === 'string' ? event.title : d.eventType, status: d.status as AlertDeliveryStatusEnum, attempts: d.attempts,
      lastError: d.lastError, lastAttemptAt: d.lastAttemptAt, nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
      deliveredAt: d.deliveredAt, createdAt: d.createdAt,
    });
  }
}

@ObjectType()
export class PagedAlertDeliveries extends Paged(AlertDeliveryType, 'deliveries') {}
