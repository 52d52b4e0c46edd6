import type { StreamEntry } from './port.ts';

/** `ms-seq` as numbers, the sequence moved by `seqOffset` (-1: the position just before the id). */
function parseId(id: string, seqOffset: number): [number, number] {
  const dash = id.indexOf('-');
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1)) + seqOffset];
}

/** An id `ms-seq`, kept parsed so entries compare without string juggling. */
interface StoredEntry {
  id: string;
  ms: number;
  seq: number;
  payload: string;
}

interface PendingEntry {
  consumer: string;
  deliveredAt: number;
  deliveries: number;
}

interface Group {
  lastMs: number;
  lastSeq: number;
  /** The pending entries list; insertion order is id order (new deliveries only ever grow). */
  pending: Map<string, PendingEntry>;
}

interface Stream {
  entries: StoredEntry[];
  lastMs: number;
  lastSeq: number;
  groups: Map<string, Group>;
  /** Blocked readers; each re-tries its read when an entry arrives. */
  waiters: Set<() => void>;
}

/**
 * Redis-like streams with consumer groups, in process: entry ids `ms-seq`, a pending entries
 * list per group with delivery counts and idle time, takeover of stale entries, and blocking
 * reads that resolve as soon as an entry is added. Trimming by `maxLen` is exact.
 */
export class MemoryStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly cancelBlocked = new Set<() => void>();

  constructor(private readonly now: () => number) {}

  /** Appends an entry and wakes blocked readers; returns its id. */
  add(name: string, payload: string, maxLen?: number): string {
    const stream = this.streamOrCreate(name);
    let ms = this.now();
    let seq = 0;
    if (ms <= stream.lastMs) {
      ms = stream.lastMs;
      seq = stream.lastSeq + 1;
    }
    stream.lastMs = ms;
    stream.lastSeq = seq;
    const id = `${ms}-${seq}`;
    stream.entries.push({ id, ms, seq, payload });
    if (maxLen !== undefined && stream.entries.length > maxLen) stream.entries.splice(0, stream.entries.length - maxLen);
    for (const wake of [...stream.waiters]) wake();
    return id;
  }

  /** Creates the group reading from the start of the stream (and the stream) when missing. */
  ensureGroup(name: string, group: string): void {
    const stream = this.streamOrCreate(name);
    if (!stream.groups.has(group)) stream.groups.set(group, { lastMs: 0, lastSeq: 0, pending: new Map() });
  }

  /** Delivers new entries to `consumer`, waiting up to `blockMs` (real time) for the first. */
  read(name: string, groupName: string, consumer: string, count: number, blockMs: number): Promise<StreamEntry[]> {
    const { stream, group } = this.group(name, groupName);
    const delivered = this.deliverNew(stream, group, consumer, count);
    if (delivered.length > 0 || blockMs <= 0) return Promise.resolve(delivered);
    return new Promise((resolve) => {
      const finish = (entries: StreamEntry[]): void => {
        clearTimeout(timer);
        stream.waiters.delete(wake);
        this.cancelBlocked.delete(cancel);
        resolve(entries);
      };
      const wake = (): void => {
        const entries = this.deliverNew(stream, group, consumer, count);
        if (entries.length > 0) finish(entries);
      };
      const cancel = (): void => finish([]);
      const timer = setTimeout(cancel, blockMs);
      stream.waiters.add(wake);
      this.cancelBlocked.add(cancel);
    });
  }

  ack(name: string, groupName: string, ids: string[]): void {
    const { group } = this.group(name, groupName);
    for (const id of ids) group.pending.delete(id);
  }

  /** Like XAUTOCLAIM: entries idle ≥ minIdleMs move to `consumer`, their delivery count +1. */
  claimStale(name: string, groupName: string, consumer: string, minIdleMs: number, count: number): StreamEntry[] {
    const { stream, group } = this.group(name, groupName);
    const now = this.now();
    const claimed: StreamEntry[] = [];
    for (const [id, pending] of group.pending) {
      if (claimed.length >= count) break;
      if (now - pending.deliveredAt < minIdleMs) continue;
      const entry = this.find(stream, id);
      if (!entry) {
        // Trimmed away while pending: nothing left to deliver (Redis 7 drops it the same way).
        group.pending.delete(id);
        continue;
      }
      pending.consumer = consumer;
      pending.deliveredAt = now;
      pending.deliveries += 1;
      claimed.push({ id, payload: entry.payload, deliveries: pending.deliveries });
    }
    return claimed;
  }

  length(name: string): number {
    return this.streams.get(name)?.entries.length ?? 0;
  }

  /** Drops entries below every group's bound: its oldest pending entry, or past its last delivered one. */
  trimAcknowledged(name: string): number {
    const stream = this.streams.get(name);
    if (!stream || stream.groups.size === 0) return 0;
    let keepFrom = stream.entries.length;
    for (const group of stream.groups.values()) {
      const oldestPending = group.pending.keys().next();
      const bound = oldestPending.done
        ? this.firstAfter(stream, group.lastMs, group.lastSeq)
        : this.firstAfter(stream, ...parseId(oldestPending.value, -1));
      keepFrom = Math.min(keepFrom, bound);
    }
    if (keepFrom > 0) stream.entries.splice(0, keepFrom);
    return keepFrom;
  }

  pendingCount(name: string, groupName: string): number {
    return this.group(name, groupName).group.pending.size;
  }

  /** Ends every blocked read with no entries (the store is closing). */
  close(): void {
    for (const cancel of [...this.cancelBlocked]) cancel();
  }

  private deliverNew(stream: Stream, group: Group, consumer: string, count: number): StreamEntry[] {
    const from = this.firstAfter(stream, group.lastMs, group.lastSeq);
    const batch = stream.entries.slice(from, from + Math.max(count, 1));
    const now = this.now();
    for (const entry of batch) {
      group.pending.set(entry.id, { consumer, deliveredAt: now, deliveries: 1 });
      group.lastMs = entry.ms;
      group.lastSeq = entry.seq;
    }
    return batch.map((entry) => ({ id: entry.id, payload: entry.payload, deliveries: 1 }));
  }

  /** Index of the first entry with id greater than (ms, seq): binary search, ids are sorted. */
  private firstAfter(stream: Stream, ms: number, seq: number): number {
    let low = 0;
    let high = stream.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const entry = stream.entries[mid];
      if (entry.ms < ms || (entry.ms === ms && entry.seq <= seq)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private find(stream: Stream, id: string): StoredEntry | undefined {
    const index = this.firstAfter(stream, ...parseId(id, -1));
    const entry = stream.entries[index];
    return entry && entry.id === id ? entry : undefined;
  }

  private streamOrCreate(name: string): Stream {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = { entries: [], lastMs: 0, lastSeq: 0, groups: new Map(), waiters: new Set() };
      this.streams.set(name, stream);
    }
    return stream;
  }

  private group(name: string, groupName: string): { stream: Stream; group: Group } {
    const stream = this.streams.get(name);
    const group = stream?.groups.get(groupName);
    if (!stream || !group) throw new Error(`NOGROUP No such key '${name}' or consumer group '${groupName}'`);
    return { stream, group };
  }
}
