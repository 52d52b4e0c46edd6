import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { anthropicUsageCollector } from '../formats/anthropic.ts';
import { eventJson } from '../event-json.ts';
import type { SseEvent } from '../sse-decoder.ts';
import { joinUrl, type UpstreamAdapter, type UsageCollector } from '../types.ts';
import { BEDROCK_METRICS_EVENT, bedrockFrameDecoder } from './event-stream.ts';
import { bedrockModelId } from './model-ids.ts';

/**
 * AWS Bedrock (Anthropic models): SigV4-signed (service `bedrock`, region from settings) or a
 * Bedrock API key as Bearer. The body is the Anthropic body without `model`/`stream`, with
 * `anthropic_version: bedrock-2023-05-31`; streams come back as a binary event stream that the
 * relay re-emits to the client as Anthropic SSE.
 */
export const bedrockAdapter: UpstreamAdapter = {
  platform: 'bedrock',
  format: 'anthropic',
  transcodesStream: true,
  defaultModelId: bedrockModelId,
  async buildRequest(ctx) {
    const region = ctx.account.settings.region ?? 'us-east-1';
    const base = ctx.account.baseUrl ?? `https://bedrock-runtime.${region}.amazonaws.com`;
    if (ctx.endpoint === 'count_tokens') throw new Error('count_tokens is not served by Bedrock accounts');
    const { model: _model, stream: _stream, ...rest } = ctx.body ?? {};
    const beta = ctx.clientHeaders['anthropic-beta'];
    const payload: Record<string, unknown> = { anthropic_version: 'bedrock-2023-05-31', ...rest };
    if (typeof beta === 'string' && beta) payload.anthropic_beta = beta.split(',').map((b) => b.trim()).filter(Boolean);
    const body = JSON.stringify(payload);
    const path = `/model/${encodeURIComponent(ctx.upstreamModel)}/${ctx.stream ? 'invoke-with-response-stream' : 'invoke'}`;
    const url = new URL(joinUrl(base, path));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: ctx.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    };
    const c = ctx.credentials;
    if (c.kind === 'bedrock-api-key' || c.kind === 'api-key') {
      headers.authorization = `Bearer ${c.apiKey}`;
      return { url: url.toString(), method: 'POST', headers, body, dropEvent: dropMetrics };
    }
    if (c.kind !== 'aws') throw new Error(`bedrock account ${ctx.account.id} has ${c.kind} credentials`);
    const signer = new SignatureV4({
      service: 'bedrock',
      region,
      sha256: Sha256,
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? undefined },
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { ...headers, host: url.host },
      body,
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) if (k !== 'host') out[k] = String(v);
    return { url: url.toString(), method: 'POST', headers: out, body, dropEvent: dropMetrics };
  },
  createDecoder: bedrockFrameDecoder,
  createUsageCollector: bedrockUsageCollector,
};

function dropMetrics(ev: SseEvent): boolean {
  return ev.event === BEDROCK_METRICS_EVENT;
}

/** Anthropic usage from the wrapped events, overridden by Bedrock's invocation metrics when they arrive. */
function bedrockUsageCollector(): UsageCollector {
  const inner = anthropicUsageCollector();
  let metrics: { inputTokenCount?: number; outputTokenCount?: number } | null = null;
  return {
    event(ev) {
      if (ev.event === BEDROCK_METRICS_EVENT) metrics = eventJson(ev) ?? null;
      else inner.event(ev);
    },
    json: (b) => inner.json(b),
    streamError: () => inner.streamError(),
    usage() {
      const u = inner.usage();
      if (!metrics) return u;
      return { ...u, inputTokens: metrics.inputTokenCount ?? u.inputTokens, outputTokens: metrics.outputTokenCount ?? u.outputTokens, inputKnown: true };
    },
  };
}
