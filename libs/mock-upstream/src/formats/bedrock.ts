// Amazon Bedrock InvokeModel / InvokeModelWithResponseStream for Anthropic models: the bodies are
// Anthropic's, the stream is AWS's binary event stream whose `chunk` events carry base64 Anthropic events.
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { RenderedBody, RenderedStream, ReplyPlan, StreamFrame } from '../reply-plan.ts';
import { anthropicEvents, anthropicMessage } from './anthropic.ts';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const JSON_TYPE = 'application/json';

const CHUNK_HEADERS: MessageHeaders = {
  ':event-type': { type: 'string', value: 'chunk' },
  ':content-type': { type: 'string', value: JSON_TYPE },
  ':message-type': { type: 'string', value: 'event' },
};

/** Encodes one `chunk` event carrying an Anthropic stream event. */
export function encodeBedrockChunk(event: Record<string, unknown>): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(event)).toString('base64');
  return codec.encode({ headers: CHUNK_HEADERS, body: fromUtf8(JSON.stringify({ bytes })) });
}

/** Encodes a modeled stream exception (e.g. modelStreamErrorException), as Bedrock sends mid-stream failures. */
export function encodeBedrockException(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: JSON_TYPE },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** POST /model/{id}/invoke: the Anthropic message JSON. */
export function renderBedrockJson(plan: ReplyPlan): RenderedBody {
  const headers = {
    'x-amzn-bedrock-input-token-count': String(plan.usage.input),
    'x-amzn-bedrock-output-token-count': String(plan.usage.output),
    'x-amzn-bedrock-invocation-latency': String(Math.max(1, Date.now() - plan.receivedAt)),
  };
  return { status: 200, headers, body: JSON.stringify(anthropicMessage(plan)), contentType: JSON_TYPE };
}

function metrics(plan: ReplyPlan, firstByteAt: number) {
  const now = Date.now();
  return {
    inputTokenCount: plan.usage.input,
    outputTokenCount: plan.usage.output,
    invocationLatency: Math.max(1, now - plan.receivedAt),
    firstByteLatency: Math.max(1, (firstByteAt || now) - plan.receivedAt),
    ...(plan.usage.cacheRead ? { cacheReadInputTokenCount: plan.usage.cacheRead } : {}),
    ...(plan.usage.cacheCreation ? { cacheWriteInputTokenCount: plan.usage.cacheCreation } : {}),
  };
}

/**
 * POST /model/{id}/invoke-with-response-stream. Bedrock sends no ping; the last chunk (message_stop)
 * carries `amazon-bedrock-invocationMetrics`. A mid-stream error becomes a modelStreamErrorException.
 */
export function renderBedrockStream(plan: ReplyPlan): RenderedStream {
  const events = anthropicEvents(plan, { ping: false });
  let firstByteAt = 0;
  const frames: StreamFrame[] = events.map((event): StreamFrame => {
    if (event.type === 'error') {
      return { data: encodeBedrockException('modelStreamErrorException', 'Model is overloaded'), content: false };
    }
    if (event.type === 'message_start') {
      // Encoded at write time so firstByteLatency includes firstByteDelayMs.
      return { data: () => ((firstByteAt = Date.now()), encodeBedrockChunk(event.data)), content: event.content };
    }
    if (event.type === 'message_stop') {
      // Encoded at write time so the latencies include every delay.
      return { data: () => encodeBedrockChunk({ ...event.data, 'amazon-bedrock-invocationMetrics': metrics(plan, firstByteAt) }), content: false };
    }
    return { data: encodeBedrockChunk(event.data), content: event.content };
  });
  return { contentType: 'application/vnd.amazon.eventstream', frames };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException', 403: 'AccessDeniedException', 404: 'ResourceNotFoundException', 408: 'ModelTimeoutException',
  424: 'ModelErrorException', 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException',
};

/** Bedrock's error: body `{message}` with the error type in `x-amzn-errortype`. */
export function renderBedrockError(status: number, message: string): RenderedBody {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
  return {
    status,
    headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
    body: JSON.stringify({ message }),
    contentType: JSON_TYPE,
  };
}
