/**
 * Test helper: reads a Responses API event stream back the way the openai SDK's ResponseStream
 * does, checking OpenAI's framing on the way: sequence numbers count up from 0, created and
 * in_progress come first, every delta belongs to an item that was added and is not done yet, each
 * `.done` repeats exactly what its deltas built, and the final response lists the finished items.
 */
import { decodeAll } from './client-stream.test-helper.ts';

export interface ReassembledResponse {
  types: string[];
  text: string;
  reasoning: string;
  calls: { call_id: string; name: string; namespace?: string; arguments: string }[];
  /** The terminal event's response (completed / incomplete / failed), null when there was none. */
  final: any;
  error: { code: string | null; message: string } | null;
}

export function reassembleResponses(sse: string): ReassembledResponse {
  const r: ReassembledResponse = { types: [], text: '', reasoning: '', calls: [], final: null, error: null };
  const open = new Map<string, { type: string; built: string }>();
  const done: any[] = [];
  let seq = 0;
  for (const ev of decodeAll(sse)) {
    const d = JSON.parse(ev.data);
    if (ev.event !== d.type) throw new Error(`event name ${ev.event} differs from type ${d.type}`);
    if (d.sequence_number !== seq++) throw new Error(`sequence_number ${d.sequence_number} out of order`);
    if (r.final) throw new Error(`${d.type} after the terminal event`);
    r.types.push(d.type);
    const item = (id: string) => {
      const it = open.get(id);
      if (!it) throw new Error(`${d.type} for item ${id} that is not open`);
      return it;
    };
    switch (d.type) {
      case 'response.created':
      case 'response.in_progress':
        if (r.types.length > 2) throw new Error(`${d.type} not at the start`);
        break;
      case 'response.output_item.added':
        if (d.output_index !== done.length + open.size) throw new Error('output_index skipped');
        open.set(d.item.id, { type: d.item.type, built: '' });
        break;
      case 'response.output_text.delta': item(d.item_id).built += d.delta; r.text += d.delta; break;
      case 'response.reasoning_summary_text.delta': item(d.item_id).built += d.delta; r.reasoning += d.delta; break;
      case 'response.function_call_arguments.delta': item(d.item_id).built += d.delta; break;
      case 'response.output_text.done':
      case 'response.reasoning_summary_text.done':
        if (d.text !== item(d.item_id).built) throw new Error(`${d.type} text differs from its deltas`);
        break;
      case 'response.function_call_arguments.done':
        if (d.arguments !== item(d.item_id).built) throw new Error('arguments.done differs from its deltas');
        break;
      case 'response.content_part.added':
      case 'response.content_part.done':
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done':
        item(d.item_id);
        break;
      case 'response.output_item.done': {
        const it = item(d.item.id);
        open.delete(d.item.id);
        if (d.item.type === 'function_call') {
          if (d.item.arguments !== it.built) throw new Error('function_call item differs from its deltas');
          const call: any = { call_id: d.item.call_id, name: d.item.name, arguments: d.item.arguments };
          if (d.item.namespace) call.namespace = d.item.namespace;
          r.calls.push(call);
        }
        done.push(d.item);
        break;
      }
      case 'error': r.error = { code: d.code, message: d.message }; break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        if (open.size) throw new Error(`${d.type} with items still open`);
        if (JSON.stringify(d.response.output) !== JSON.stringify(done)) throw new Error('final output differs from the finished items');
        r.final = d.response;
        break;
      default: throw new Error(`unknown event ${d.type}`);
    }
  }
  return r;
}
