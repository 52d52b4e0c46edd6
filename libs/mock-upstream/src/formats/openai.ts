// OpenAI Chat Completions wire format (also served for Azure OpenAI deployments).
import { randomId, type RenderedBody, type RenderedStream, type ReplyPlan, type StreamFrame } from '../reply-plan.ts';

const DONE_FRAME: StreamFrame = { data: 'data: [DONE]\n\n', content: false };
const JSON_TYPE = 'application/json';

/** OpenAI's prompt_tokens include cached tokens; cached_tokens reports the cached part. */
function usageOf(plan: ReplyPlan) {
  const prompt = plan.usage.input + plan.usage.cacheCreation + plan.usage.cacheRead;
  return {
    prompt_tokens: prompt,
    completion_tokens: plan.usage.output,
    total_tokens: prompt + plan.usage.output,
    prompt_tokens_details: { cached_tokens: plan.usage.cacheRead, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** The non-streamed `chat.completion` body. */
export function renderOpenAIJson(plan: ReplyPlan): RenderedBody {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: plan.text === '' && plan.toolCalls.length > 0 ? null : plan.text,
    refusal: null,
    annotations: [],
  };
  if (plan.thinking) message.reasoning_content = plan.thinking;
  if (plan.toolCalls.length > 0) {
    message.tool_calls = plan.toolCalls.map((call) => ({
      id: call.id, type: 'function', function: { name: call.name, arguments: call.argumentsJson },
    }));
  }
  const body = {
    id: `chatcmpl-${randomId()}`,
    object: 'chat.completion',
    created: Math.floor(plan.receivedAt / 1000),
    model: plan.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: usageOf(plan),
    service_tier: 'default',
    system_fingerprint: 'fp_mock',
  };
  return { status: 200, body: JSON.stringify(body), contentType: JSON_TYPE };
}

/** The SSE stream of `chat.completion.chunk`s, ending with the optional usage chunk and `[DONE]`. */
export function renderOpenAIStream(plan: ReplyPlan): RenderedStream {
  const id = `chatcmpl-${randomId()}`;
  const created = Math.floor(plan.receivedAt / 1000);
  // With include_usage the real API sends `usage: null` on every chunk but the last.
  const usageField = plan.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: string | null, content: boolean): StreamFrame => ({
    data: `data: ${JSON.stringify({
      id, object: 'chat.completion.chunk', created, model: plan.model, system_fingerprint: 'fp_mock',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...usageField,
    })}\n\n`,
    content,
  });
  const frames: StreamFrame[] = [chunk({ role: 'assistant', content: '', refusal: null }, null, false)];
  if (plan.midStreamError) {
    // The first content chunk, then OpenAI's mid-stream error chunk; the stream ends there (no [DONE]).
    const first = plan.textChunks[0] ?? plan.thinkingChunks[0] ?? '';
    frames.push(chunk({ content: first }, null, true), { data: `data: ${JSON.stringify(OPENAI_MID_STREAM_ERROR)}\n\n`, content: false });
    return { contentType: 'text/event-stream; charset=utf-8', frames };
  }
  for (const piece of plan.thinkingChunks) frames.push(chunk({ reasoning_content: piece }, null, true));
  for (const piece of plan.textChunks) frames.push(chunk({ content: piece }, null, true));
  plan.toolCalls.forEach((call, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, null, true));
    for (const fragment of call.argumentFragments) {
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }, null, true));
    }
  });
  frames.push(chunk({}, plan.finishReason, false));
  if (plan.includeUsage) {
    frames.push({
      data: `data: ${JSON.stringify({
        id, object: 'chat.completion.chunk', created, model: plan.model, system_fingerprint: 'fp_mock',
        choices: [], usage: usageOf(plan),
      })}\n\n`,
      content: false,
    });
  }
  frames.push(DONE_FRAME);
  return { contentType: 'text/event-stream; charset=utf-8', frames };
}

const OPENAI_MID_STREAM_ERROR = {
  error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null },
};

const ERROR_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

/** OpenAI's error body `{error:{message,type,param,code}}`. */
export function renderOpenAIError(status: number, message: string): RenderedBody {
  const kind = ERROR_TYPES[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  return {
    status,
    body: JSON.stringify({ error: { message, type: kind.type, param: null, code: kind.code } }),
    contentType: JSON_TYPE,
  };
}

/** GET /v1/models. */
export function renderOpenAIModels(): RenderedBody {
  const created = 1_700_000_000;
  const data = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'o3-mini'].map((id) => ({ id, object: 'model', created, owned_by: 'openai' }));
  return { status: 200, body: JSON.stringify({ object: 'list', data }), contentType: JSON_TYPE };
}
