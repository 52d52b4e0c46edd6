import type { Logger } from '@relay/core/logger';

/**
 * Runs `stop` once on SIGTERM/SIGINT, then exits 0; a second signal or a stop that hangs past
 * `graceMs` exits 1 at once.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, graceMs = 10_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** Stops accepting connections and resolves when open ones are done (or closed after `ms`). */
export function closeHttpServer(server: import('node:http').Server, ms = 8000): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => server.closeAllConnections(), ms);
    t.unref();
    server.close(() => {
      clearTimeout(t);
      resolve();
    });
    server.closeIdleConnections();
  });
}
