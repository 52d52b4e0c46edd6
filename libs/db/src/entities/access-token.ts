import { Entity, OptionalProps, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { DATETIME } from './columns.ts';
import { User } from './user.ts';

/** A personal token for scripts calling the GraphQL API. Only its SHA-256 is stored. */
@Entity({ tableName: 'access_tokens' })
export class AccessToken {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'expiresAt' | 'lastUsedAt' | 'revokedAt' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'string', length: 64, columnType: 'char(64)', unique: true, hidden: true })
  tokenHash!: string;

  @Property({ type: 'string', length: 24 })
  tokenPrefix!: string;

  @Property({ ...DATETIME, nullable: true })
  expiresAt: Date | null = null;

  @Property({ ...DATETIME, nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ ...DATETIME, nullable: true })
  revokedAt: Date | null = null;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
