import { randomBytes } from 'node:crypto';
import { setTimeout as setTimeoutPromise } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/core';
import type { Agent } from 'undici';
import { fetch as undiciFetch } from 'undici';
import { AlertChannel, AlertDelivery } from '@relay/db';
import type { UpstreamAddressPolicy } from '@relay/core';
import type { Logger } from '@relay/core/logger';
import type { ControlPlaneConfig } from '../../config.ts';
import { systemContext, type AppServices } from '../../service-context.ts';
import type { AlertEvent } from './alert-events.ts';
import { alertUrlProblem, createAlertAgent } from './alert-address.ts';
import { buildAlertRequest, deliveryError, type AlertTarget } from './alert-formats.ts';

/** Rows claimed per pass; each is sent concurrently. */
const BATCH = 20;
/** The system actor the worker's database work runs as. */
const JOB = 'alert-delivery';

/** Wait before attempt `attempts + 1` after `attempts` failed sends: base, 2·base, 4·base … */
export function retryDelayMs(baseMs: number, attempts: number): number {
  return baseMs * 2 ** Math.max(0, attempts - 1);
}

/**
 * Sends queued alerts. Several workers (one per control plane) share the outbox: a worker claims
 * a row with a conditional UPDATE (due and unclaimed, or its claim expired) that only one of them
 * can win, sends it, and records the outcome under its claim token. A failed send is retried after
 * retryDelayMs until ALERT_MAX_ATTEMPTS, then marked failed with the last error. A claim outlives
 * the send timeout, so only a worker that died mid-send leaves a row to be claimed again — the one
 * case a receiver can see an event twice (it has the event id header to drop it).
 */
export class AlertDeliveryWorker {
  private readonly policy: UpstreamAddressPolicy;
  private readonly agent: Agent;
  private readonly logger: Logger;
  private readonly config: ControlPlaneConfig['alerts'];
  private stopped = false;
  private loop: Promise<void> | null = null;
  /** Aborted by wake(): ends the current (or next) sleep early. */
  private wakeup = new AbortController();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly services: AppServices) {
    this.policy = { allowPrivate: services.config.allowPrivateUpstreams };
    this.agent = createAlertAgent(this.policy);
    this.logger = services.logger.child({ component: 'alerts' });
    this.config = services.config.alerts;
  }

  /** A fresh EntityManager of the worker's system context. */
  private em(): EntityManager {
    return systemContext(this.services, JOB).em;
  }

  start(): void {
    // Wakes the worker when this process queues an alert (else it finds them at the next poll).
    this.unsubscribe = this.services.alerts.onQueued(() => this.wake());
    this.loop = this.run();
  }

  /** Runs a pass now instead of at the next poll. */
  wake(): void {
    this.wakeup.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let sleepMs = this.config.pollMs;
      try {
        const sent = await this.runOnce();
        if (sent === BATCH) continue;
        sleepMs = await this.msUntilNextDue(sleepMs);
      } catch (err) {
        this.logger.warn({ err }, 'alert delivery: pass failed, retrying');
      }
      if (!this.stopped) await this.sleep(sleepMs);
    }
  }

  /** Claims the due deliveries and sends them; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.claimDue();
    await Promise.all(claimed.map((c) => this.deliver(c.id, c.token)));
    return claimed.length;
  }

  private claimLeaseMs(): number {
    // Longer than one send can take, so a live worker never loses its claim mid-send.
    return 2 * this.config.timeoutMs + 5000;
  }

  private async claimDue(): Promise<{ id: number; token: string }[]> {
    const em = this.em();
    const now = new Date();
    const due = { $or: [{ status: 'pending' as const, nextAttemptAt: { $lte: now } }, { status: 'sending' as const, claimedUntil: { $lt: now } }] };
    const candidates = await em.find(AlertDelivery, due, { fields: ['id'], orderBy: { nextAttemptAt: 'asc' }, limit: BATCH });
    const claimed: { id: number; token: string }[] = [];
    for (const { id } of candidates) {
      const token = randomBytes(12).toString('hex');
      // Only one worker's UPDATE matches: the row stops being due the moment one succeeds.
      const won = await em.nativeUpdate(AlertDelivery, { id, ...due }, { status: 'sending', claimToken: token, claimedUntil: new Date(Date.now() + this.claimLeaseMs()) });
      if (won === 1) claimed.push({ id, token });
    }
    return claimed;
  }

  private async msUntilNextDue(cap: number): Promise<number> {
    const em = this.em();
    const next = await em.findOne(AlertDelivery, { status: 'pending' }, { fields: ['nextAttemptAt'], orderBy: { nextAttemptAt: 'asc' } });
    if (!next) return cap;
    return Math.max(0, Math.min(cap, next.nextAttemptAt.getTime() - Date.now()));
  }

  /** Sends one claimed delivery and records the outcome (only while the claim is still ours). */
  private async deliver(id: number, token: string): Promise<void> {
    const { logger, config } = this;
    const em = this.em();
    const row = await em.findOne(AlertDelivery, { id, claimToken: token });
    if (!row) return;
    const channel = await em.findOne(AlertChannel, { id: row.channelId });
    const attempts = row.attempts + 1;
    let error: string | null;
    if (!channel) error = 'channel deleted';
    else error = await this.send(channel, row.event as unknown as AlertEvent);
    const now = new Date();
    const finalFailure = error !== null && (attempts >= config.maxAttempts || !channel);
    const update: Partial<AlertDelivery> =
      error === null
        ? { status: 'delivered', attempts, lastAttemptAt: now, deliveredAt: now, lastError: null, claimToken: null, claimedUntil: null }
        : {
            status: finalFailure ? 'failed' : 'pending', attempts, lastAttemptAt: now, lastError: error.slice(0, 1000), claimToken: null, claimedUntil: null,
            nextAttemptAt: new Date(now.getTime() + retryDelayMs(config.retryBaseMs, attempts)),
          };
    await em.nativeUpdate(AlertDelivery, { id, claimToken: token }, update);
    if (error === null) logger.info({ deliveryId: id, eventId: row.eventId, channelId: row.channelId, attempts }, 'alert delivered');
    else logger.warn({ deliveryId: id, eventId: row.eventId, channelId: row.channelId, attempts, error, final: finalFailure }, 'alert delivery failed');
  }

  /** One HTTP send; returns null when the channel accepted it, else the error to record. */
  private async send(channel: AlertChannel, event: AlertEvent): Promise<string | null> {
    let target: AlertTarget;
    try {
      target = this.services.secretBox.decryptJson<AlertTarget>(channel.target);
    } catch {
      return 'cannot decrypt the channel target (ENCRYPTION_KEY changed?)';
    }
    const problem = alertUrlProblem(target.url, this.policy);
    if (problem) return `destination refused: ${problem}`;
    try {
      const req = buildAlertRequest(channel.kind, target, event);
      const res = await undiciFetch(req.url, {
        method: 'POST', headers: req.headers, body: req.body, dispatcher: this.agent, redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      const text = (await res.text()).slice(0, 2000);
      return deliveryError(channel.kind, res.status, text);
    } catch (err) {
      const e = err as Error & { cause?: Error };
      return (e.cause?.message ?? e.message ?? 'send failed').slice(0, 500);
    }
  }

  /** Waits `ms`, or less when wake() is called (also when it was called since the last sleep). */
  private async sleep(ms: number): Promise<void> {
    await setTimeoutPromise(ms, undefined, { signal: this.wakeup.signal }).catch(() => undefined);
    if (this.wakeup.signal.aborted) this.wakeup = new AbortController();
  }

  /** Stops after the current pass (sends in flight finish and are recorded). */
  async close(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    await this.agent.close();
  }
}
