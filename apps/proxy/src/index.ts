export { loadProxyConfig, type ProxyConfig } from './config.ts';
export { createProxy, createProxyInternals, type ProxyInstance, type ProxyInternals } from './proxy.ts';
export type { Logger } from './logger.ts';
