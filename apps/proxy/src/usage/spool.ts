import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Bounded holding area for usage events the store refused. In memory always; with a data dir
 * also an append-only file (one encoded event per line), so a restart loses nothing. When the
 * bound is reached the oldest event is dropped (and counted) — memory must not grow without end.
 */
export class UsageSpool {
  private readonly events: string[] = [];
  private readonly file: string | null;
  dropped = 0;

  constructor(private readonly maxEvents: number, dataDir?: string) {
    this.file = dataDir ? join(dataDir, 'spool', 'usage-events.ndjson') : null;
    if (this.file) {
      mkdirSync(join(dataDir!, 'spool'), { recursive: true });
      if (existsSync(this.file)) {
        for (const line of readFileSync(this.file, 'utf8').split('\n')) if (line) this.events.push(line);
        this.trim();
      }
    }
  }

  get size(): number {
    return this.events.length;
  }

  add(encoded: string): void {
    this.events.push(encoded);
    if (this.file) appendFileSync(this.file, `${encoded}\n`);
    if (this.events.length > this.maxEvents) {
      this.trim();
      this.rewrite();
    }
  }

  /** The oldest events, without removing them. */
  peek(n: number): string[] {
    return this.events.slice(0, n);
  }

  /** Removes the oldest n events (after they were delivered). */
  shift(n: number): void {
    this.events.splice(0, n);
    this.rewrite();
  }

  private trim(): void {
    const over = this.events.length - this.maxEvents;
    if (over > 0) {
      this.events.splice(0, over);
      this.dropped += over;
    }
  }

  private rewrite(): void {
    if (this.file) writeFileSync(this.file, this.events.length ? `${this.events.join('\n')}\n` : '');
  }
}
