import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { ClientFamily, Platform } from '@relay/core';
import { bigintNumber, DATETIME } from './columns.ts';
import { User } from './user.ts';

/** A client API key. Only its SHA-256 hash is stored; limits are enforced by the proxy. */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'enabled' | 'allowedPlatforms' | 'allowedModels' | 'rpm' | 'tpm' | 'concurrency' | 'dailyCostLimit' | 'totalCostLimit' | 'expiresAt' | 'accountGroupId' | 'accountIds' | 'modelMapping' | 'allowedClients' | 'requestCount' | 'tokensUsed' | 'costUsed' | 'lastUsedAt' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 128 })
  name!: string;

  /** hex SHA-256 of the full key. */
  @Property({ type: 'string', length: 64, columnType: 'char(64)', unique: true, hidden: true })
  keyHash!: string;

  /** Shown in lists ("sk-relay-ab12…"). */
  @Property({ type: 'string', length: 24 })
  keyPrefix!: string;

  @Property({ type: 'boolean', default: true })
  enabled: boolean = true;

  /** null = all platforms. */
  @Property({ type: 'json', nullable: true })
  allowedPlatforms: Platform[] | null = null;

  /** null = all models. */
  @Property({ type: 'json', nullable: true })
  allowedModels: string[] | null = null;

  @Property({ type: 'integer', nullable: true })
  rpm: number | null = null;

  @Property({ type: 'integer', nullable: true })
  tpm: number | null = null;

  @Property({ type: 'integer', nullable: true })
  concurrency: number | null = null;

  /** micro-USD, rated. */
  @Property({ type: bigintNumber(), nullable: true })
  dailyCostLimit: number | null = null;

  /** micro-USD, rated. */
  @Property({ type: bigintNumber(), nullable: true })
  totalCostLimit: number | null = null;

  @Property({ ...DATETIME, nullable: true })
  expiresAt: Date | null = null;

  /** Bound to this account group (see AccountGroup); null = not bound to a group (then the owner's default binding applies). Exclusive with accountIds. */
  @Property({ type: 'integer', nullable: true, index: true })
  accountGroupId: number | null = null;

  /** Bound to these accounts; null = not bound to accounts. Exclusive with accountGroupId. */
  @Property({ type: 'json', nullable: true })
  accountIds: number[] | null = null;

  /** Requested model → served model; null = none. */
  @Property({ type: 'json', nullable: true })
  modelMapping: Record<string, string> | null = null;

  /** Client families the key accepts; null = any client. */
  @Property({ type: 'json', nullable: true })
  allowedClients: ClientFamily[] | null = null;

  @Property({ type: bigintNumber(), default: 0 })
  requestCount: number = 0;

  @Property({ type: bigintNumber(), default: 0 })
  tokensUsed: number = 0;

  /** micro-USD, rated. */
  @Property({ type: bigintNumber(), default: 0 })
  costUsed: number = 0;

  @Property({ ...DATETIME, nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ ...DATETIME, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
