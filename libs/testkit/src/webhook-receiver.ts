import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got. */
export interface ReceivedWebhook {
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Raw body (signatures are computed over these exact bytes). */
  raw: string;
  json: any;
  /** performance.now() when the request arrived. */
  at: number;
}

/** What the receiver answers to the n-th request (0-based) on a path; default 200 `{"ok":true}`. */
export type WebhookAnswer = (req: ReceivedWebhook, n: number) => { status: number; body?: string };

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  url: string;
  received: ReceivedWebhook[];
  /** Sets how requests to `path` are answered. */
  answer(path: string, fn: WebhookAnswer): void;
  /** Resolves once `count` requests matched `filter` (all requests without one); rejects after `timeoutMs`. */
  waitFor(count: number, filter?: (r: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for Slack, Feishu, DingTalk, WeCom or an operator's webhook:
 * records every request with its raw body and arrival time, answers as told per path.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers = new Map<string, WebhookAnswer>();
  const counts = new Map<string, number>();
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        json = null;
      }
      const rec: ReceivedWebhook = { path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, raw, json, at: performance.now() };
      received.push(rec);
      const n = counts.get(u.pathname) ?? 0;
      counts.set(u.pathname, n + 1);
      const a = answers.get(u.pathname)?.(rec, n) ?? { status: 200, body: '{"ok":true}' };
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body ?? '');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    answer: (path, fn) => void answers.set(path, fn),
    waitFor(count, filter = () => true, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hits = received.filter(filter);
          if (hits.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hits);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`webhook receiver: ${received.filter(filter).length} of ${count} requests after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
