import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DATETIME, RateDecimalType } from './columns.ts';

export const USER_ROLES = ['ADMIN', 'USER'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const USER_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A person who logs in to the dashboard and owns API keys. */
@Entity({ tableName: 'users' })
export class User {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'role' | 'status' | 'priceRate' | 'maxApiKeys' | 'accountGroupId' | 'accountIds' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  username!: string;

  /** "scrypt$N$r$p$salt$hash" — never exposed. */
  @Property({ type: 'string', length: 255, hidden: true })
  passwordHash!: string;

  // Plain varchar rather than a DB enum: adding a value later needs no table rebuild.
  @Property({ type: 'string', length: 16 })
  role: UserRole = 'USER';

  @Property({ type: 'string', length: 16 })
  status: UserStatus = 'ACTIVE';

  /** Multiplier on base cost, decimal(10,4) as a string ("1.0000"); parse with parseRate. */
  @Property({ type: RateDecimalType, columnType: 'decimal(10,4)', precision: 10, scale: 4, defaultRaw: '1.0000' })
  priceRate: string = '1.0000';

  /** null = the configured default. */
  @Property({ type: 'integer', nullable: true })
  maxApiKeys: number | null = null;

  /** Default binding of the user's keys that have none of their own: this account group (see AccountGroup); null = not bound to a group. Exclusive with accountIds. */
  @Property({ type: 'integer', nullable: true, index: true })
  accountGroupId: number | null = null;

  /** Default binding to these accounts; null = not bound to accounts. Exclusive with accountGroupId. */
  @Property({ type: 'json', nullable: true })
  accountIds: number[] | null = null;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ ...DATETIME, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
