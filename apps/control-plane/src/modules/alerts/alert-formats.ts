import { createHmac } from 'node:crypto';
import type { AlertChannelKind } from '@relay/db';
import type { AlertEvent } from './alert-events.ts';

/** Destination of a channel, as stored encrypted in `alert_channels.target`. */
export interface AlertTarget {
  url: string;
  /** Signing secret: required for the generic webhook, optional for Feishu and DingTalk, unused by Slack and WeCom. */
  secret: string | null;
}

/** One HTTP POST, ready to send. */
export interface AlertRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Header names of the generic webhook (documented in docs/ARCHITECTURE.md). */
export const WEBHOOK_HEADERS = {
  eventId: 'x-relay-event-id',
  eventType: 'x-relay-event-type',
  timestamp: 'x-relay-timestamp',
  signature: 'x-relay-signature',
} as const;

/**
 * The generic webhook's signature: `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`),
 * timestamp in Unix seconds (receivers reject old timestamps to stop replays).
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Feishu/Lark custom bot signing: base64 HMAC-SHA256 keyed by `${timestamp}\n${secret}` over an empty message (timestamp in seconds). */
export function feishuSign(secret: string, timestampSeconds: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** DingTalk robot signing: base64 HMAC-SHA256 keyed by the secret over `${timestamp}\n${secret}` (timestamp in ms). */
export function dingtalkSign(secret: string, timestampMs: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

const plainText = (e: AlertEvent) => `[${e.severity.toUpperCase()}] ${e.title}\n${e.text}`;
const json = { 'content-type': 'application/json' };

/** Builds the request for one event on one channel kind; `now` is injectable for tests. */
export function buildAlertRequest(kind: AlertChannelKind, target: AlertTarget, event: AlertEvent, now = Date.now()): AlertRequest {
  switch (kind) {
    case 'webhook': {
      if (!target.secret) throw new Error('a webhook channel needs a signing secret');
      const body = JSON.stringify({ id: event.id, type: event.type, severity: event.severity, at: new Date(event.at).toISOString(), title: event.title, text: event.text, details: event.details });
      const timestamp = String(Math.floor(now / 1000));
      return {
        url: target.url,
        headers: {
          ...json,
          [WEBHOOK_HEADERS.eventId]: event.id,
          [WEBHOOK_HEADERS.eventType]: event.type,
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: webhookSignature(target.secret, timestamp, body),
        },
        body,
      };
    }
    case 'slack':
      return {
        url: target.url,
        headers: json,
        body: JSON.stringify({
          text: plainText(event),
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: event.title.slice(0, 150) } },
            { type: 'section', text: { type: 'mrkdwn', text: event.text } },
            { type: 'context', elements: [{ type: 'mrkdwn', text: `${event.type} · ${event.severity} · ${new Date(event.at).toISOString()}` }] },
          ],
        }),
      };
    case 'feishu': {
      const payload: Record<string, unknown> = { msg_type: 'text', content: { text: plainText(event) } };
      if (target.secret) {
        const timestamp = String(Math.floor(now / 1000));
        Object.assign(payload, { timestamp, sign: feishuSign(target.secret, timestamp) });
      }
      return { url: target.url, headers: json, body: JSON.stringify(payload) };
    }
    case 'dingtalk': {
      let url = target.url;
      if (target.secret) {
        const u = new URL(target.url);
        const timestamp = String(now);
        u.searchParams.set('timestamp', timestamp);
        u.searchParams.set('sign', dingtalkSign(target.secret, timestamp));
        url = u.toString();
      }
      return { url, headers: json, body: JSON.stringify({ msgtype: 'text', text: { content: plainText(event) } }) };
    }
    case 'wecom':
      return { url: target.url, headers: json, body: JSON.stringify({ msgtype: 'text', text: { content: plainText(event) } }) };
  }
}

/**
 * Whether a response means "delivered". Feishu, DingTalk and WeCom answer HTTP 200 even when
 * they refuse a message (bad signature, rate limit) and put the error in the body: `code` for
 * Feishu, `errcode` for DingTalk and WeCom, 0 meaning success. Returns null on success, else the
 * error to record.
 */
export function deliveryError(kind: AlertChannelKind, status: number, body: string): string | null {
  if (status < 200 || status >= 300) return `HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  if (kind === 'feishu' || kind === 'dingtalk' || kind === 'wecom') {
    type VendorAnswer = { code?: unknown; errcode?: unknown; msg?: unknown; errmsg?: unknown } | null;
    let parsed: VendorAnswer;
    try {
      parsed = JSON.parse(body) as VendorAnswer;
    } catch {
      return null; // a proxy or test receiver answering 2xx without JSON: trust the status
    }
    const code = kind === 'feishu' ? (parsed?.code ?? parsed?.errcode) : parsed?.errcode;
    if (code !== undefined && code !== 0) return `${kind} error ${String(code)}: ${String(parsed?.msg ?? parsed?.errmsg ?? '')}`.slice(0, 300);
  }
  return null;
}
