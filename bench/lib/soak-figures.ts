// Figures of a soak run: the memory samples and their growth once warmed up.

/** One sample: RSS per process label, and in production Redis used_memory and the usage stream's XLEN. */
export interface Sample {
  atS: number;
  rss: Record<string, number>;
  redisUsedMemory?: number;
  xlen?: number;
  /** Entries delivered to the usage ingester's group and not yet acknowledged. */
  pending?: number;
  /** Requests recorded so far (unknown while the control plane is down). */
  rows?: number;
}

export interface Growth {
  label: string;
  fromMb: number;
  toMb: number;
  maxMb: number;
  mbPerMin: number;
  percent: number;
}

const MB = 1024 * 1024;

/**
 * Growth of each series from the first sample at or after `warmUpS` to the last sample: MB per minute
 * and percent. Series are each process's RSS, plus Redis used_memory when sampled. Samples where a
 * process was stopped (0) are left out.
 */
export function growthFromWarmUp(samples: Sample[], warmUpS: number): Growth[] {
  const after = samples.filter((s) => s.atS >= warmUpS);
  if (after.length < 2) return [];
  const series = new Map<string, { atS: number; bytes: number }[]>();
  const add = (label: string, atS: number, bytes: number | undefined) => {
    if (!bytes) return;
    if (!series.has(label)) series.set(label, []);
    series.get(label)!.push({ atS, bytes });
  };
  for (const s of after) {
    for (const [label, bytes] of Object.entries(s.rss)) add(`${label} RSS`, s.atS, bytes);
    add('redis used_memory', s.atS, s.redisUsedMemory);
  }
  return [...series].filter(([, points]) => points.length >= 2).map(([label, points]) => {
    const first = points[0];
    const last = points[points.length - 1];
    const minutes = (last.atS - first.atS) / 60;
    return {
      label,
      fromMb: first.bytes / MB,
      toMb: last.bytes / MB,
      maxMb: Math.max(...points.map((p) => p.bytes)) / MB,
      mbPerMin: minutes > 0 ? (last.bytes - first.bytes) / MB / minutes : 0,
      percent: ((last.bytes - first.bytes) / first.bytes) * 100,
    };
  });
}

/** One minute of one process's RSS: the samples taken in that minute. */
export interface MinuteRss { minute: number; label: string; samples: number; minMb: number; meanMb: number; maxMb: number }

/**
 * RSS per process per minute of the run (minute m holds the samples with (m−1)·60 < t ≤ m·60):
 * lowest, mean and highest, so a sawtooth (the garbage collector) reads apart from a climb.
 */
export function rssPerMinute(samples: Sample[]): MinuteRss[] {
  const out: MinuteRss[] = [];
  const byMinute = new Map<number, Sample[]>();
  for (const s of samples) {
    const m = Math.max(1, Math.ceil(s.atS / 60));
    byMinute.set(m, [...(byMinute.get(m) ?? []), s]);
  }
  for (const [minute, ss] of [...byMinute].sort((a, b) => a[0] - b[0])) {
    const labels = new Set(ss.flatMap((s) => Object.keys(s.rss)));
    for (const label of labels) {
      const mb = ss.map((s) => s.rss[label]).filter((b): b is number => !!b).map((b) => b / MB);
      if (mb.length === 0) continue;
      out.push({ minute, label, samples: mb.length, minMb: Math.min(...mb), meanMb: mb.reduce((a, b) => a + b, 0) / mb.length, maxMb: Math.max(...mb) });
    }
  }
  return out;
}
