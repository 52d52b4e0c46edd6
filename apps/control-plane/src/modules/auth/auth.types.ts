import { Field, ID, ObjectType } from 'type-graphql';
import type { AccessToken } from '@relay/db';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { UserType } from '../users/users.types.ts';

@ObjectType({ description: 'A successful login.' })
export class LoginResult {
  @Field(() => String, { description: 'Session token: send it as "Authorization: Bearer <token>". Shown only now.' })
  token!: string;

  @Field(() => DateTimeScalar, { description: 'When the session expires.' })
  expiresAt!: Date;

  @Field(() => UserType, { description: 'The logged-in user.' })
  user!: UserType;
}

@ObjectType('AccessToken', { description: 'A personal access token for scripts calling this API.' })
export class AccessTokenType {
  @Field(() => ID, { description: 'Token id.' })
  id!: string;

  @Field(() => String, { description: 'What the token is for.' })
  name!: string;

  @Field(() => String, { description: 'The first characters of the token, to recognise it.' })
  tokenPrefix!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the token stops working; null for never.' })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last time the token was used (minute precision).' })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the token was revoked; null while it is valid.' })
  revokedAt!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When the token was created.' })
  createdAt!: Date;

  static from(t: AccessToken): AccessTokenType {
    return Object.assign(new AccessTokenType(), {
      id: String(t.id),
      name: t.name,
      tokenPrefix: t.tokenPrefix,
      expiresAt: t.expiresAt,
      lastUsedAt: t.lastUsedAt,
      revokedAt: t.revokedAt,
      createdAt: t.createdAt,
    });
  }
}

@ObjectType({ description: 'A new personal access token.' })
export class CreatedAccessToken {
  @Field(() => String, { description: 'The token itself. Shown only now: store it safely.' })
  token!: string;

  @Field(() => AccessTokenType, { description: 'The stored token record.' })
  accessToken!: AccessTokenType;
}
