import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DATETIME } from './columns.ts';

export const OAUTH_SESSION_KINDS = ['oauth', 'setup-token'] as const;
export type OAuthSessionKind = (typeof OAUTH_SESSION_KINDS)[number];

/** A pending upstream OAuth (PKCE) flow started by an admin, kept until the code comes back. */
@Entity({ tableName: 'oauth_sessions' })
export class OAuthSession {
  /** Properties with defaults: optional in em.create(). */
  [OptionalProps]?: 'createdAt';

  /** Random id handed to the admin UI. */
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  @Property({ type: 'string', length: 16 })
  kind!: OAuthSessionKind;

  /** SecretBox ciphertext of the PKCE code verifier. */
  @Property({ type: 'text', hidden: true })
  codeVerifier!: string;

  @Property({ type: 'string', length: 64 })
  state!: string;

  @Property({ type: 'string', length: 512 })
  redirectUri!: string;

  @Property({ type: 'string', length: 512 })
  scope!: string;

  /** User id of the admin who started the flow. */
  @Property({ type: 'integer' })
  createdBy!: number;

  @Property({ ...DATETIME })
  expiresAt!: Date;

  @Property({ ...DATETIME, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
