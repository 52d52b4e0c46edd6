// Child process: the mock upstream on its own core (`taskset -c 1 node --import tsx bench/mock-server.ts`).
// Every request gets 20 chunks of text and a usage figure; a prompt `bench-slow-<ms>-<n>` streams n
// chunks <ms> apart. Also the fast mock (bench/lib/fast-mock.ts): the load cases' answers replayed
// from bytes captured from this mock. Prints `MOCK_PORT=<port> FAST_MOCK_PORT=<port>` when listening.
import type { MockReply } from '@relay/mock-upstream';
import { CHUNKS } from './lib/cases.ts';
import { startMockUpstream } from '@relay/mock-upstream';
import { startFastMock } from './lib/fast-mock.ts';


const TEXT = Array.from({ length: CHUNKS }, (_, i) => `word${i} `).join('').trimEnd();
// BENCH_MOCK_FAIL=1 (pnpm soak --upstream fail): every request answers 502, the upstream-outage soak.
const DEFAULT_REPLY: MockReply = process.env.BENCH_MOCK_FAIL === '1'
  ? { status: 502, errorMessage: 'upstream unavailable' }
  : { text: TEXT, chunks: CHUNKS, usage: { input: 42, output: CHUNKS }, ping: false };
const SLOW = /bench-slow-(\d+)-(\d+)/;

const mock = await startMockUpstream({ port: Number(process.env.BENCH_MOCK_PORT ?? 0) });
const slowReplies = new Map<string, MockReply>();
const responder = (req: { rawBody: string }): MockReply | undefined => {
  const m = SLOW.exec(req.rawBody);
  if (!m) return undefined;
  let reply = slowReplies.get(m[0]);
  if (!reply) {
    const chunks = Number(m[2]);
    reply = { text: Array.from({ length: chunks }, (_, i) => `w${i} `).join('').trimEnd(), chunks, chunkDelayMs: Number(m[1]), usage: { input: 42, output: chunks }, ping: false };
    slowReplies.set(m[0], reply);
  }
  return reply;
};
const configure = () => {
  mock.setDefault(DEFAULT_REPLY);
  mock.setResponder(responder);
};
configure();
// The mock records every request for tests; under load that is hundreds of thousands of records,
// so forget them every second (reset also clears the replies, which are set again at once).
setInterval(() => {
  mock.reset();
  configure();
}, 1000).unref();

const fast = process.env.BENCH_MOCK_FAIL === '1' ? null : await startFastMock(mock.url);
process.stdout.write(`MOCK_PORT=${mock.port} FAST_MOCK_PORT=${fast?.port ?? 0}\n`);
const stop = () => void mock.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
