import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { DATETIME } from './columns.ts';
import { User } from './user.ts';

/** A dashboard login. The cookie carries the token; only its SHA-256 is stored. */
@Entity({ tableName: 'sessions' })
export class Session {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'lastSeenAt' | 'ip' | 'userAgent' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 64, columnType: 'char(64)', unique: true, hidden: true })
  tokenHash!: string;

  @Property({ ...DATETIME })
  expiresAt!: Date;

  @Property({ ...DATETIME })
  lastSeenAt: Date = new Date();

  @Property({ type: 'string', length: 64, nullable: true })
  ip: string | null = null;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent: string | null = null;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
