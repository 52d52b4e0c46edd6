import { randomBytes } from 'node:crypto';

let counter = 0;
const nodeTag = randomBytes(4).toString('hex');

/**
 * Request ids: `req_` + time (base36) + a per-process random tag + a counter. Unique across
 * processes without a syscall per request, sortable by time.
 */
export function newRequestId(): string {
  counter = (counter + 1) % 0x1000000;
  return `req_${Date.now().toString(36)}${nodeTag}${counter.toString(36).padStart(5, '0')}`;
}
