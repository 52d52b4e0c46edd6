import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DATETIME } from './columns.ts';

/** How a channel's message is shaped and signed (apps/control-plane/src/modules/alerts/alert-formats.ts). */
export type AlertChannelKind = 'webhook' | 'slack' | 'feishu' | 'dingtalk' | 'wecom';

/**
 * A place alerts are sent to. The destination URL and the signing secret are stored together in
 * `target`, encrypted with ENCRYPTION_KEY like account credentials: Slack, WeCom and DingTalk
 * URLs carry their own access tokens.
 */
@Entity({ tableName: 'alert_channels' })
export class AlertChannel {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'enabled' | 'events' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'string', length: 16 })
  kind!: AlertChannelKind;

  /** SecretBox JSON `{ url, secret }` (secret null when the channel is unsigned). */
  @Property({ type: 'text', hidden: true })
  target!: string;

  /** Shown in lists: scheme, host and port of the URL, never its path or query. */
  @Property({ type: 'string', length: 255 })
  urlHint!: string;

  @Property({ type: 'boolean', default: true })
  enabled: boolean = true;

  /** Event types this channel receives (AlertEventType values). */
  @Property({ type: 'json' })
  events: string[] = [];

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ ...DATETIME, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
