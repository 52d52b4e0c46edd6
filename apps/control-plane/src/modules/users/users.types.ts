import { Authorized, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { User } from '@relay/db';
import { DateTimeScalar, RateScalar } from '../../graphql/scalars.ts';
import { Paged } from '../../graphql/pagination.ts';

export enum Role {
  ADMIN = 'ADMIN',
  USER = 'USER',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What a user may do.',
  valuesConfig: {
    ADMIN: { description: 'Manages users, accounts, keys, prices and sees everything.' },
    USER: { description: 'Manages their own API keys and sees their own usage.' },
  },
});

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}
registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Whether a user may log in and use their API keys.',
  valuesConfig: {
    ACTIVE: { description: 'Can log in; their API keys work.' },
    DISABLED: { description: 'Cannot log in; every API key of theirs is refused by the proxy.' },
  },
});

@ObjectType('User', { description: 'A person who logs in to the dashboard and owns API keys.' })
export class UserType {
  @Field(() => ID, { description: 'User id.' })
  id!: string;

  @Field(() => String, { description: 'Login name (unique).' })
  username!: string;

  @Field(() => Role, { description: 'What the user may do.' })
  role!: Role;

  @Field(() => UserStatus, { description: 'Whether the user may log in and use their keys.' })
  status!: UserStatus;

  // Users see their costs, never their rate (DESIGN.md "Money and usage"): admins only.
  @Authorized('ADMIN')
  @Field(() => RateScalar, { nullable: true, description: 'Multiplier applied to this user\'s base cost. Visible to admins only; anyone else gets FORBIDDEN.' })
  priceRate!: string;

  @Field(() => Int, { nullable: true, description: 'This user\'s cap on API keys; null means the server default (MAX_API_KEYS_PER_USER).' })
  maxApiKeys!: number | null;

  @Authorized('ADMIN')
  @Field(() => ID, { nullable: true, description: 'Default binding of this user\'s keys that have none of their own: an account group; null = none. Admins only; anyone else gets FORBIDDEN.' })
  accountGroupId!: string | null;

  @Authorized('ADMIN')
  @Field(() => [ID], { nullable: true, description: 'Default binding to these accounts; null = none. Admins only; anyone else gets FORBIDDEN.' })
  accountIds!: string[] | null;

  @Field(() => DateTimeScalar, { description: 'When the user was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the user was last changed.' })
  updatedAt!: Date;

  static from(u: User): UserType {
    return Object.assign(new UserType(), {
      id: String(u.id),
      username: u.username,
      role: u.role as Role,
      status: u.status as UserStatus,
      priceRate: u.priceRate,
      maxApiKeys: u.maxApiKeys,
      accountGroupId: u.accountGroupId === null ? null : String(u.accountGroupId),
      accountIds: u.accountIds ? u.accountIds.map(String) : null,
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
    });
  }
}

@ObjectType({ description: 'A page of users, ordered by id.' })
export class PagedUsers extends Paged(UserType, 'users') {}
