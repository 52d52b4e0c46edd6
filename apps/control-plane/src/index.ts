// The control plane's one entry point for the packages that compose or test it (apps/embedded,
// libs/testkit, bench). Processes start from main.ts; nothing else is imported from outside.
export { loadControlPlaneConfig, type ControlPlaneConfig } from './config.ts';
export { resolveSecrets, type ServerSecrets } from './secrets.ts';
export { databaseFix, firstStartMessage, openDatabase, type OpenedDatabase } from './bootstrap.ts';
export { createControlPlane, type ControlPlane, type ControlPlaneDeps } from './server.ts';
export { startBackgroundJobs, type BackgroundJobs } from './background.ts';
export { closeHttpServer, onShutdownSignal } from './shutdown.ts';
export { UsageIngester } from './modules/usage/ingester.ts';
