import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DATETIME } from './columns.ts';

/**
 * A named set of upstream accounts that API keys (or a user's keys by default) are bound to. An
 * account may belong to several groups; members are kept as account ids (auto-increment ids are never
 * reused, so a deleted account simply drops out and a group of only deleted accounts serves nothing).
 */
@Entity({ tableName: 'account_groups' })
export class AccountGroup {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'description' | 'accountIds' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 128, unique: true })
  name!: string;

  @Property({ type: 'string', length: 512, nullable: true })
  description: string | null = null;

  /** Member account ids, ascending. */
  @Property({ type: 'json' })
  accountIds: number[] = [];

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ ...DATETIME, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
