import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AccountGroup } from '@relay/db';
import { DateTimeScalar } from '../../graphql/scalars.ts';

@ObjectType('AccountGroup', { description: 'A named set of upstream accounts that API keys (or a user\'s keys by default) can be bound to. Admins only.' })
export class AccountGroupType {
  @Field(() => ID, { description: 'Group id.' })
  id!: string;

  @Field(() => String, { description: 'Unique name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the group is for.' })
  description!: string | null;

  @Field(() => [ID], { description: 'Member account ids, ascending (accounts deleted since are left out).' })
  accountIds!: string[];

  @Field(() => Int, { description: 'API keys bound to the group.' })
  keyCount!: number;

  @Field(() => Int, { description: 'Users whose keys are bound to the group by default.' })
  userCount!: number;

  @Field(() => DateTimeScalar, { description: 'When the group was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the group was last changed.' })
  updatedAt!: Date;

  static from(g: AccountGroup, existing: ReadonlySet<number>, counts: { keys: number; users: number }): AccountGroupType {
    return Object.assign(new AccountGroupType(), {
      id: String(g.id),
      name: g.name,
      description: g.description,
      accountIds: g.accountIds.filter((id) => existing.has(id)).map(String),
      keyCount: counts.keys,
      userCount: counts.users,
      createdAt: g.createdAt,
      updatedAt: g.updatedAt,
    });
  }
}
