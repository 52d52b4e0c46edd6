/**
 * Bookkeeping per stream entry beyond its payload: the entry id and field name in a Redis listpack,
 * or the entry object and id string in the in-process store (where it is about this much).
 */
const ENTRY_OVERHEAD_BYTES = 100;
/** How much the newest batch moves the running average entry size. */
const SMOOTHING = 0.1;

/**
 * The usage stream's safety cap, given in bytes (USAGE_STREAM_MAX_BYTES) and turned into the entry
 * count XADD MAXLEN needs from the running average size of the events published. Ingested entries
 * leave the stream as soon as every consumer group acknowledged them, so the cap only bites when the
 * ingester falls behind; then the oldest entries are dropped rather than the store running out of memory.
 */
export class UsageStreamCap {
  private averageEntryBytes = 0;

  /** `partitions`: the streams the budget is shared by, equally (maxLen is per stream). */
  constructor(readonly maxBytes: number, readonly partitions = 1) {}

  /** Folds a batch of encoded events into the average entry size. */
  observe(payloads: readonly string[]): void {
    if (payloads.length === 0) return;
    let total = 0;
    for (const p of payloads) total += Buffer.byteLength(p) + ENTRY_OVERHEAD_BYTES;
    const batchAverage = total / payloads.length;
    this.averageEntryBytes = this.averageEntryBytes === 0 ? batchAverage : this.averageEntryBytes + (batchAverage - this.averageEntryBytes) * SMOOTHING;
  }

  /** Entries one stream's share of the byte budget allows at the average size seen so far (before any event: 1 KB each). */
  get maxLen(): number {
    return Math.max(1, Math.floor(this.maxBytes / this.partitions / (this.averageEntryBytes || 1024)));
  }

  /** Whether one stream this long is at its cap (Redis trims approximately: within 1 % counts). */
  reached(length: number): boolean {
    return length >= this.maxLen * 0.99;
  }
}
