// The control plane's one entry point for the packages that compose or test it (apps/embedded,
// libs/testkit, bench). Processes start from main.ts; nothing else is imported from outside.
export { loadControlPlaneConfig, type ControlPlaneConfig } from './config.ts';
export { resolveSecrets, type ServerSecrets } from './secrets.ts';
export { databaseFix, firstStartMessage, openDatabase, type OpenedDatabase } from './bootstrap.ts';
export { createControlPlane, type ControlPlane, type ControlPlaneDeps } from './server.ts';
export { startBackgroundJobs, type BackgroundJobs } from './background.ts';
export { closeHttpServer, onShutdownSignal } from './shutdown.ts';
export { UsageIngester } from './modules/usage/ingester.ts';
// The usage reads, for the usage-query bench (bench/lib/usage-queries.ts) to measure the real queries.
export { UsageService, type RecordCursor, type ResolvedScope } from './modules/usage/usage.service.ts';
export { accountUsage } from './modules/usage/account-usage.ts';
export { UsageExportService } from './modules/exports/export.service.ts';
export type { AppServices, ServiceContext } from './service-context.ts';
