import { ConfigError } from './config.ts';

/** Parses `host:port` (`[::1]:9464` for IPv6) of a listener; throws ConfigError naming the variable. */
export function parseListenAddress(raw: string, name: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new ConfigError(name, 'host:port, e.g. 127.0.0.1:9464', raw);
  return { host: m[1], port };
}
