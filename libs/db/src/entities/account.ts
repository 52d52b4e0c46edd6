import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { Platform } from '@relay/core';
import { DATETIME } from './columns.ts';

export const ACCOUNT_STATUSES = ['ACTIVE', 'DISABLED', 'ERROR'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** An upstream provider account the proxy routes requests to. */
@Entity({ tableName: 'accounts' })
export class Account {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'baseUrl' | 'priority' | 'schedulable' | 'status' | 'statusReason' | 'supportedModels' | 'modelMapping' | 'concurrency' | 'egressProxy' | 'egressProxyHint' | 'settings' | 'lastUsedAt' | 'probeIntervalSeconds' | 'lastProbeAt' | 'lastProbeOk' | 'lastProbeError' | 'lastProbeLatencyMs' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'string', length: 32 })
  platform!: Platform;

  /** SecretBox ciphertext of the AccountCredentials JSON. */
  @Property({ type: 'text', hidden: true })
  credentials!: string;

  /** "••••abcd": lets an admin tell credentials apart without seeing them. */
  @Property({ type: 'string', length: 16 })
  credentialHint!: string;

  @Property({ type: 'string', length: 512, nullable: true })
  baseUrl: string | null = null;

  /** Lower is tried first. */
  @Property({ type: 'integer', default: 50 })
  priority: number = 50;

  @Property({ type: 'boolean', default: true })
  schedulable: boolean = true;

  @Property({ type: 'string', length: 16 })
  status: AccountStatus = 'ACTIVE';

  @Property({ type: 'text', nullable: true })
  statusReason: string | null = null;

  /** null = every model of the platform's family. */
  @Property({ type: 'json', nullable: true })
  supportedModels: string[] | null = null;

  /** Client model → upstream model. */
  @Property({ type: 'json' })
  modelMapping: Record<string, string> = {};

  @Property({ type: 'integer', nullable: true })
  concurrency: number | null = null;

  /** SecretBox ciphertext of the egress proxy URL (it may carry a password). */
  @Property({ type: 'text', nullable: true, hidden: true })
  egressProxy: string | null = null;

  @Property({ type: 'string', length: 128, nullable: true })
  egressProxyHint: string | null = null;

  /** Platform extras: region, deployment, apiVersion, … */
  @Property({ type: 'json' })
  settings: Record<string, string> = {};

  @Property({ ...DATETIME, nullable: true })
  lastUsedAt: Date | null = null;

  /** Seconds between the control plane's scheduled health probes; null = no scheduled probe. */
  @Property({ type: 'integer', nullable: true })
  probeIntervalSeconds: number | null = null;

  /** When the last scheduled probe ran, and how it went (telemetry: written without an audit row). */
  @Property({ ...DATETIME, nullable: true })
  lastProbeAt: Date | null = null;

  @Property({ type: 'boolean', nullable: true })
  lastProbeOk: boolean | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastProbeError: string | null = null;

  @Property({ type: 'integer', nullable: true })
  lastProbeLatencyMs: number | null = null;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ ...DATETIME, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
