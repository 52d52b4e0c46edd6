/**
 * Graceful drain of one proxy instance (SIGTERM): readiness turns 503 at once, requests already
 * running may finish until the grace deadline, and at the deadline every stream still open is cut
 * (its relay ends it with an error event in the client's format and bills what it produced).
 */
export class Drain {
  private draining = false;
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly cut = new AbortController();

  /** True once the drain began: /readyz answers 503 and new API requests are refused. */
  get active(): boolean {
    return this.draining;
  }

  /** Aborted at the grace deadline: each relay listens and ends its stream with an error event. */
  get deadline(): AbortSignal {
    return this.cut.signal;
  }

  /** Requests (streams included) being served now. */
  get inFlight(): number {
    return this.running;
  }

  /** Counts one request for its whole life (the Koa handler resolves only after its stream ended and was billed). */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves once no request is being served. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Runs the drain: readiness off, then waits for in-flight requests up to `graceMs`; past it the
   * open streams are cut and given `cutMs` to write their error event and bill. Resolves with
   * how many requests were still running at the deadline.
   */
  async run(graceMs: number, cutMs = 5_000): Promise<number> {
    this.draining = true;
    if (await settlesWithin(this.idle(), graceMs)) return 0;
    const open = this.running;
    this.cut.abort();
    await settlesWithin(this.idle(), cutMs);
    return open;
  }
}

/** True when `p` settled within `ms`. */
async function settlesWithin(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
