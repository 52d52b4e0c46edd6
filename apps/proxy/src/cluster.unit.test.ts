import { describe, expect, it } from 'vitest';
import { workerCount, workerDataDir } from './cluster.ts';

describe('PROXY_WORKERS', () => {
  it('defaults to every core in production and to one process otherwise; a set value wins', () => {
    expect(workerCount({ workers: undefined, nodeEnv: 'production' }, 8)).toBe(8);
    expect(workerCount({ workers: undefined, nodeEnv: undefined }, 8)).toBe(1);
    expect(workerCount({ workers: undefined, nodeEnv: 'development' }, 8)).toBe(1);
    expect(workerCount({ workers: 3, nodeEnv: undefined }, 8)).toBe(3);
    expect(workerCount({ workers: 1, nodeEnv: 'production' }, 8)).toBe(1);
  });

  it('gives each worker slot a data dir of its own; slot 0 keeps DATA_DIR (a single proxy\'s spool carries over)', () => {
    expect(workerDataDir('/data', 0)).toBe('/data');
    expect(workerDataDir('/data', 1)).toBe('/data/worker-1');
    expect(workerDataDir('/data', 2)).toBe('/data/worker-2');
  });
});
