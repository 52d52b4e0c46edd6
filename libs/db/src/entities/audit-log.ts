import { Entity, OptionalProps, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { DATETIME } from './columns.ts';

/** Who changed what, when: one row per admin mutation. Secrets are masked before they get here. */
@Entity({ tableName: 'audit_logs' })
@Index({ properties: ['createdAt'] })
export class AuditLog {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'actorId' | 'targetId' | 'before' | 'after' | 'ip' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** null for system actions (first start, background jobs). */
  @Property({ type: 'integer', nullable: true })
  actorId: number | null = null;

  @Property({ type: 'string', length: 64 })
  actorName!: string;

  /** e.g. 'user.update'. */
  @Property({ type: 'string', length: 64 })
  action!: string;

  @Property({ type: 'string', length: 64 })
  targetType!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  targetId: string | null = null;

  @Property({ type: 'json', nullable: true })
  before: Record<string, unknown> | null = null;

  @Property({ type: 'json', nullable: true })
  after: Record<string, unknown> | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
