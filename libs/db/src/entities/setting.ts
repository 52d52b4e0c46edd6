import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Install-level state as key → JSON value (e.g. whether first start has run). */
@Entity({ tableName: 'settings' })
export class Setting {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'value';

  @PrimaryKey({ type: 'string', length: 64 })
  key!: string;

  @Property({ type: 'json', nullable: true })
  value: unknown = null;
}
