// autocannon 8 ships no types; the fields the fallback load runner reads.
declare module 'autocannon' {
  interface Result {
    duration: number;
    requests: { total: number; sent: number };
    latency: { p50: number; p99: number; average: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  export default function autocannon(opts: Record<string, unknown>): Promise<Result>;
}
