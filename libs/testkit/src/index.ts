export * from './services.ts';
export * from './snapshot-factory.ts';
export * from './proxy-harness.ts';
export * from './control-plane-harness.ts';
export * from './control-plane-backends.ts';
export * from './usage-backend.ts';
export * from './webhook-receiver.ts';
export * from './prng.ts';
