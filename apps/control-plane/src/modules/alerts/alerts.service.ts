import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { AlertChannel, AlertDelivery, type AlertChannelKind } from '@relay/db';
import type { UpstreamAddressPolicy } from '@relay/core';
import { errors } from '../../graphql/errors.ts';
import type { Page } from '../../graphql/pagination.ts';
import { deleteAudited, runMutation, type ServiceContext } from '../../service-context.ts';
import { alertEvents } from './alert-events.ts';
import { alertUrlProblem } from './alert-address.ts';
import type { AlertTarget } from './alert-formats.ts';
import type { CreateAlertChannelInput, UpdateAlertChannelInput } from './alerts.inputs.ts';

const SIGNABLE: readonly AlertChannelKind[] = ['webhook', 'feishu', 'dingtalk'];

/** `https://hooks.slack.com/…`: enough to recognise a channel, nothing that grants access. */
function urlHint(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/…`;
}

function checkUrl(url: string, policy: UpstreamAddressPolicy): string {
  const trimmed = url.trim();
  const problem = alertUrlProblem(trimmed, policy);
  if (problem) throw errors.badInput('url', problem);
  return trimmed;
}

function checkSecret(kind: AlertChannelKind, secret: string | null): string | null {
  if (!SIGNABLE.includes(kind)) return null;
  if (kind === 'webhook' && (secret === null || secret.length < 16)) throw errors.badInput('secret', 'a WEBHOOK channel needs a signing secret of at least 16 characters');
  return secret;
}

function auditImage(c: AlertChannel): Record<string, unknown> {
  return { name: c.name, kind: c.kind, urlHint: c.urlHint, enabled: c.enabled, events: c.events };
}

/** Alert channels (admin only: the resolver checks the role) and the delivery list. */
export class AlertChannelsService {
  constructor(private readonly ctx: ServiceContext) {}

  private target(c: AlertChannel): AlertTarget {
    return this.ctx.services.secretBox.decryptJson<AlertTarget>(c.target);
  }

  /** The upstream address policy (UPSTREAM_ALLOW_PRIVATE) applied to channel URLs. */
  private get policy(): UpstreamAddressPolicy {
    return { allowPrivate: this.ctx.services.config.allowPrivateUpstreams };
  }

  /** Whether the channel has a signing secret (decrypting only to answer yes or no). */
  isSigned(c: AlertChannel): boolean {
    try {
      return this.target(c).secret !== null;
    } catch {
      return false;
    }
  }

  async list(): Promise<AlertChannel[]> {
    return this.ctx.em.find(AlertChannel, {}, { orderBy: { id: 'asc' } });
  }

  async get(id: number, em: EntityManager = this.ctx.em): Promise<AlertChannel> {
    const c = await em.findOne(AlertChannel, { id });
    if (!c) throw errors.notFound('Alert channel', id);
    return c;
  }

  async create(input: CreateAlertChannelInput): Promise<AlertChannel> {
    const kind = input.kind as AlertChannelKind;
    const url = checkUrl(input.url, this.policy);
    const secret = checkSecret(kind, input.secret?.trim() || null);
    return runMutation(this.ctx, async (tx) => {
      const channel = tx.em.create(AlertChannel, {
        name: input.name.trim(), kind, target: this.ctx.services.secretBox.encryptJson({ url, secret } satisfies AlertTarget), urlHint: urlHint(url),
        events: [...new Set(input.events as string[])], enabled: input.enabled ?? true,
      });
      // The id is needed for the audit row, which the final flush inserts with the rest.
      await tx.em.flush();
      tx.audit({ action: 'alert_channel.create', targetType: 'alert_channel', targetId: channel.id, after: auditImage(channel) });
      return channel;
    });
  }

  async update(id: number, input: UpdateAlertChannelInput): Promise<AlertChannel> {
    return runMutation(this.ctx, async (tx) => {
      const channel = await this.get(id, tx.em);
      const before = auditImage(channel);
      const current = this.target(channel);
      if (input.name !== undefined && input.name !== null) channel.name = input.name.trim();
      const url = input.url ? checkUrl(input.url, this.policy) : current.url;
      const secret = input.secret === undefined || input.secret === null ? current.secret : input.secret.trim() || null;
      const next: AlertTarget = { url, secret: checkSecret(channel.kind, secret) };
      if (next.url !== current.url || next.secret !== current.secret) {
        channel.target = this.ctx.services.secretBox.encryptJson(next);
        channel.urlHint = urlHint(url);
      }
      if (input.events) channel.events = [...new Set(input.events as string[])];
      if (input.enabled !== undefined && input.enabled !== null) channel.enabled = input.enabled;
      const secretChanged = next.secret !== current.secret;
      tx.audit({ action: 'alert_channel.update', targetType: 'alert_channel', targetId: id, before, after: { ...auditImage(channel), ...(secretChanged ? { secret: 'changed' } : {}) } });
      return channel;
    });
  }

  /** Deletes the channel and its deliveries (a queued one would have nowhere to go). */
  async delete(id: number): Promise<boolean> {
    return runMutation(this.ctx, async (tx) => {
      const channel = await this.get(id, tx.em);
      const before = auditImage(channel);
      await tx.em.nativeDelete(AlertDelivery, { channelId: id });
      return deleteAudited(tx, AlertChannel, id, { action: 'alert_channel.delete', targetType: 'alert_channel', before });
    });
  }

  /** Queues a test alert for this channel (enabled or not, whatever it subscribes to); returns its delivery. */
  async sendTest(id: number): Promise<AlertDelivery> {
    const channel = await this.get(id);
    const event = alertEvents.test({ channelId: id, channelName: channel.name, nonce: randomBytes(6).toString('hex'), at: Date.now() });
    // The outbox row is written by the alert service (INSERT IGNORE, its own connection); the audit
    // row of the request commits on its own, after the delivery it names exists.
    await this.ctx.services.alerts.enqueue([id], event);
    await runMutation(this.ctx, async (tx) => {
      tx.audit({ action: 'alert_channel.test', targetType: 'alert_channel', targetId: id, after: { eventId: event.id } });
    });
    return this.ctx.em.findOneOrFail(AlertDelivery, { channelId: id, eventId: event.id });
  }

  /** Deliveries, newest first, with the names of their channels. */
  async deliveries(filter: { channelId?: number; status?: string }, page: { offset: number; limit: number }): Promise<Page<{ delivery: AlertDelivery; channelName: string | null }>> {
    const where = { ...(filter.channelId ? { channelId: filter.channelId } : {}), ...(filter.status ? { status: filter.status as AlertDelivery['status'] } : {}) };
    const [rows, total] = await this.ctx.em.findAndCount(AlertDelivery, where, { orderBy: { id: 'desc' }, offset: page.offset, limit: page.limit });
    const channels = await this.ctx.em.find(AlertChannel, { id: { $in: [...new Set(rows.map((r) => r.channelId))] } }, { fields: ['id', 'name'] });
    const names = new Map(channels.map((c) => [c.id, c.name]));
    return { items: rows.map((delivery) => ({ delivery, channelName: names.get(delivery.channelId) ?? null })), total };
  }
}
