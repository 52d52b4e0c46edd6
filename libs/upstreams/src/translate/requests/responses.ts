/**
 * OpenAI Responses API request → neutral request (the client side of `/v1/responses` served by an
 * Anthropic or Gemini account; an OpenAI account gets the body as sent).
 */
import { UnsupportedFeatureError } from '../errors.ts';
import {
  parseDataUrl, parseToolArgs, setIf,
  type NeutralMessage, type NeutralPart, type NeutralRequest, type NeutralTool, type NeutralToolChoice,
} from '../neutral.ts';
import { budgetFromEffort } from './thinking.ts';

/**
 * Tools inside a `namespace` tool (Codex groups its sub-agent tools so) reach the other vendors as
 * plain functions named `<namespace>__<name>`; calls are split back when the answer is written.
 */
export const NAMESPACE_SEPARATOR = '__';

/** Flattened tool name → its namespace and own name (for writing function_call items back). */
export type NamespaceIndex = Map<string, { namespace: string; name: string }>;

/**
 * Fields that need state or hosted machinery the relay does not have: refused (400 naming the field)
 * whatever the target. `previous_response_id`/`conversation` point into OpenAI's response store,
 * `prompt` into its prompt templates, `background` asks for a stored, polled response.
 */
const STATEFUL_FIELDS: readonly { field: string; when: (v: any) => boolean }[] = [
  { field: 'previous_response_id', when: (v) => v != null },
  { field: 'conversation', when: (v) => v != null },
  { field: 'prompt', when: (v) => v != null },
  { field: 'background', when: (v) => v === true },
  { field: 'top_logprobs', when: (v) => typeof v === 'number' && v > 0 },
];

/** Client fields that only tune OpenAI itself and are left out of a translated request. */
export const RESPONSES_DROPPED_FIELDS: readonly string[] = [
  'store', 'metadata', 'service_tier', 'truncation', 'include', 'parallel_tool_calls', 'prompt_cache_key',
  'prompt_cache_retention', 'safety_identifier', 'user', 'text.verbosity', 'stream_options', 'client_metadata', 'max_tool_calls',
];

/** Throws {@link UnsupportedFeatureError} for the first field no other vendor can honour. */
export function assertResponsesFieldsSupported(body: any, target: 'anthropic' | 'gemini' | 'openai'): void {
  for (const rule of STATEFUL_FIELDS) if (rule.when(body?.[rule.field])) throw new UnsupportedFeatureError(rule.field);
  const format = body?.text?.format?.type;
  // Anthropic has no JSON mode; Gemini has one (responseMimeType / responseSchema).
  if (target === 'anthropic' && format && format !== 'text') throw new UnsupportedFeatureError('text.format');
}

function inputParts(content: unknown, where: string): NeutralPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((p: any): NeutralPart => {
    switch (p?.type) {
      case 'input_text':
      case 'output_text':
        return { type: 'text', text: String(p.text ?? '') };
      case 'refusal':
        return { type: 'text', text: String(p.refusal ?? '') };
      case 'input_image': {
        if (typeof p.image_url !== 'string') throw new UnsupportedFeatureError(`${where}.input_image.file_id`);
        const inline = parseDataUrl(p.image_url);
        return inline ? { type: 'media', ...inline } : { type: 'media_url', url: p.image_url };
      }
      case 'input_file': {
        const inline = typeof p.file_data === 'string' ? parseDataUrl(p.file_data) : null;
        if (!inline) throw new UnsupportedFeatureError(`${where}.input_file.file_id`);
        return { type: 'media', ...inline };
      }
      default:
        throw new UnsupportedFeatureError(`${where}.${p?.type ?? 'unknown'}`);
    }
  });
}

/** A function_call_output's `output`: a string, or content parts of which only text crosses formats. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) return '';
  return output.map((p: any) => {
    if (p?.type === 'input_text') return String(p.text ?? '');
    throw new UnsupportedFeatureError(`input.function_call_output.output.${p?.type ?? 'unknown'}`);
  }).join('');
}

/** The flattened names of a request's namespaced function tools (the answer writers split them back). */
export function namespaceIndexOf(tools: unknown): NamespaceIndex {
  const index: NamespaceIndex = new Map();
  if (!Array.isArray(tools)) return index;
  for (const t of tools) {
    if (t?.type !== 'namespace' || !Array.isArray(t.tools)) continue;
    for (const inner of t.tools) if (inner?.type === 'function') index.set(`${t.name}${NAMESPACE_SEPARATOR}${inner.name}`, { namespace: String(t.name), name: String(inner.name) });
  }
  return index;
}

function readTools(tools: unknown): NeutralTool[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const out: NeutralTool[] = [];
  const fn = (t: any, namespace?: string): void => {
    const name = namespace ? `${namespace}${NAMESPACE_SEPARATOR}${t.name}` : String(t.name);
    const tool: NeutralTool = { name, schema: t.parameters ?? { type: 'object', properties: {} } };
    setIf(tool, 'description', t.description);
    out.push(tool);
  };
  tools.forEach((t: any, i: number) => {
    if (t?.type === 'function') fn(t);
    else if (t?.type === 'namespace' && Array.isArray(t.tools)) {
      for (const inner of t.tools) {
        if (inner?.type !== 'function') throw new UnsupportedFeatureError(`tools[${i}].tools.${inner?.type ?? 'unknown'}`);
        fn(inner, String(t.name));
      }
    } else {
      // Hosted tools (web_search, file_search, code_interpreter, computer_use, mcp, custom …) run
      // inside OpenAI; no other vendor can run them, and dropping one would change the answer.
      throw new UnsupportedFeatureError(`tools[${i}].type=${t?.type ?? 'unknown'}`);
    }
  });
  return out;
}

function readToolChoice(tc: any): NeutralToolChoice | undefined {
  if (tc === undefined || tc === null) return undefined;
  if (tc === 'auto' || tc === 'none' || tc === 'required') return { type: tc };
  if (tc?.type === 'function' && typeof tc.name === 'string') return { type: 'tool', name: tc.name };
  throw new UnsupportedFeatureError(`tool_choice${tc?.type ? `.${tc.type}` : ''}`);
}

/** The thinking budget of `reasoning.effort` (`none` asks for no thinking). */
export function responsesThinkingBudget(body: any): number | undefined {
  const effort = body?.reasoning?.effort;
  if (effort === undefined || effort === null) return undefined;
  if (effort === 'none') return 0;
  return budgetFromEffort(effort === 'xhigh' ? 'high' : String(effort));
}

/**
 * Reads a Responses request. `instructions` and system/developer messages form the system prompt;
 * function_call items join the assistant turn before them, function_call_output items a user turn;
 * reasoning items are left out (their content is encrypted for OpenAI alone).
 */
export function readResponsesRequest(body: any): NeutralRequest {
  const system: string[] = [];
  if (typeof body.instructions === 'string' && body.instructions) system.push(body.instructions);
  const messages: NeutralMessage[] = [];
  const callNames = new Map<string, string>();
  const turn = (role: 'user' | 'assistant'): NeutralPart[] => {
    const last = messages[messages.length - 1];
    if (last && last.role === role) return last.parts;
    const parts: NeutralPart[] = [];
    messages.push({ role, parts });
    return parts;
  };
  const tools = readTools(body.tools);
  const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
  if (!Array.isArray(input)) throw new UnsupportedFeatureError('input');
  for (const item of input) {
    const type = item?.type ?? (item?.role ? 'message' : undefined);
    switch (type) {
      case 'message': {
        if (item.role === 'system' || item.role === 'developer') {
          system.push(inputParts(item.content, 'input.content').map((p) => (p.type === 'text' ? p.text : '')).join(''));
        } else if (item.role === 'user' || item.role === 'assistant') {
          turn(item.role).push(...inputParts(item.content, 'input.content'));
        } else {
          throw new UnsupportedFeatureError(`input.role.${item.role}`);
        }
        break;
      }
      case 'function_call': {
        const name = item.namespace ? `${item.namespace}${NAMESPACE_SEPARATOR}${item.name}` : String(item.name);
        callNames.set(item.call_id, name);
        turn('assistant').push({ type: 'tool_call', id: item.call_id, name, args: parseToolArgs(item.arguments) });
        break;
      }
      case 'function_call_output':
        turn('user').push({ type: 'tool_result', id: item.call_id, name: callNames.get(item.call_id) ?? '', content: outputText(item.output) });
        break;
      case 'reasoning':
        break;
      default:
        throw new UnsupportedFeatureError(`input.${type ?? 'unknown'}`);
    }
  }
  const req: NeutralRequest = { messages };
  if (system.length) req.system = system.join('\n\n');
  if (tools) req.tools = tools;
  const choice = readToolChoice(body.tool_choice);
  if (choice) req.toolChoice = choice;
  setIf(req, 'temperature', body.temperature);
  setIf(req, 'topP', body.top_p);
  const budget = responsesThinkingBudget(body);
  if (budget !== undefined) req.thinkingBudget = budget;
  const format = body.text?.format;
  if (format?.type === 'json_object') req.jsonOutput = {};
  else if (format?.type === 'json_schema') req.jsonOutput = { schema: format.schema ?? {} };
  return req;
}
