// The `proxyTest` subscription's events: an account test whose answer is pushed to the admin
// piece by piece while the upstream is still writing it.
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AccountTestOutcome } from '@relay/upstreams';
import type { ServiceContext } from '../../service-context.ts';
import { prepareStreamProbe } from './account-probe.ts';

export enum ProxyTestEventKind {
  STARTED = 'STARTED',
  TEXT = 'TEXT',
  DONE = 'DONE',
  ERROR = 'ERROR',
}
registerEnumType(ProxyTestEventKind, {
  name: 'ProxyTestEventKind',
  description: 'What one proxy test event reports.',
  valuesConfig: {
    STARTED: { description: 'The account was found and the request is being sent upstream.' },
    TEXT: { description: 'A piece of the answer, in `text`, as the upstream streamed it.' },
    DONE: { description: 'The upstream finished the answer successfully; `text` holds all of it. Last event.' },
    ERROR: { description: 'The test failed (upstream error status, connection failure, error inside the stream); see `status` and `error`. Last event.' },
  },
});

@ObjectType({ description: 'One step of a streamed account test (proxyTest subscription): STARTED, TEXT pieces, then DONE or ERROR.' })
export class ProxyTestEvent {
  @Field(() => ProxyTestEventKind, { description: 'What this event reports.' })
  kind!: ProxyTestEventKind;

  @Field(() => String, { nullable: true, description: 'TEXT: the new piece of the answer. DONE: the whole answer. ERROR: the text received before the failure (never an upstream error body). Null for STARTED.' })
  text!: string | null;

  @Field(() => Int, { nullable: true, description: 'DONE/ERROR: upstream HTTP status; 0 when no response arrived.' })
  status!: number | null;

  @Field(() => Int, { nullable: true, description: 'DONE/ERROR: milliseconds from sending the request to the end of the answer.' })
  latencyMs!: number | null;

  @Field(() => Int, { nullable: true, description: 'DONE/ERROR: milliseconds from sending the request to the first piece of answer text; null when none arrived.' })
  firstTokenMs!: number | null;

  @Field(() => String, { nullable: true, description: 'ERROR: why the test failed (no secret in it).' })
  error!: string | null;
}

function event(kind: ProxyTestEventKind, fields: Partial<Omit<ProxyTestEvent, 'kind'>> = {}): ProxyTestEvent {
  return Object.assign(new ProxyTestEvent(), { kind, text: null, status: null, latencyMs: null, firstTokenMs: null, error: null, ...fields });
}

/** The last event of a test: DONE for a 2xx answer without error, ERROR otherwise. */
export function finalEvent(o: AccountTestOutcome): ProxyTestEvent {
  const ok = o.status >= 200 && o.status < 300 && o.error === null;
  return event(ok ? ProxyTestEventKind.DONE : ProxyTestEventKind.ERROR, { text: o.text, status: o.status, latencyMs: o.latencyMs, firstTokenMs: o.firstTokenMs, error: o.error });
}

/**
 * The events of one streamed account test, as an async iterator for a GraphQL subscription.
 * Input and account are checked before it is returned (errors reach the client as the
 * subscription's error). The request starts at once; ending the iterator early (the client
 * unsubscribed or disconnected) aborts it, which closes the upstream connection, and waits for
 * the test to be audited.
 */
export async function proxyTestEvents(ctx: ServiceContext, accountId: number, model: string, prompt: string): Promise<AsyncIterableIterator<ProxyTestEvent>> {
  const probe = await prepareStreamProbe(ctx, accountId, model, prompt);
  const queue: ProxyTestEvent[] = [event(ProxyTestEventKind.STARTED)];
  let wake: (() => void) | null = null;
  let finished = false;
  let stopped = false;
  const wakeReader = () => {
    wake?.();
    wake = null;
  };
  const push = (e: ProxyTestEvent) => {
    if (stopped) return;
    queue.push(e);
    wakeReader();
  };
  const abort = new AbortController();
  const running = probe
    .run((delta) => push(event(ProxyTestEventKind.TEXT, { text: delta })), abort.signal)
    .then(finalEvent, (err: unknown) => {
      ctx.services.logger.error({ err }, 'proxy test failed');
      return event(ProxyTestEventKind.ERROR, { status: 0, error: 'test failed' });
    })
    .then((last) => {
      push(last);
      finished = true;
      wakeReader();
    });
  const stop = async (): Promise<IteratorResult<ProxyTestEvent>> => {
    if (!stopped) {
      stopped = true;
      queue.length = 0;
      abort.abort();
      wakeReader();
    }
    await running;
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<ProxyTestEvent> = {
    async next() {
      while (queue.length === 0) {
        if (finished || stopped) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return { value: queue.shift()!, done: false };
    },
    return: stop,
    throw: async (err) => {
      await stop();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
