import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Matches, MaxLength, Min, MinLength, Max } from 'class-validator';
import { RateScalar } from '../../graphql/scalars.ts';
import { Role, UserStatus } from './users.types.ts';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

@InputType({ description: 'A new user.' })
export class CreateUserInput {
  @Field(() => String, { description: 'Login name: 2–64 letters, digits, "_", ".", "@" or "-", starting with a letter or digit.' })
  @Matches(USERNAME_PATTERN, { message: 'must be 2–64 letters, digits, "_", ".", "@" or "-", starting with a letter or digit' })
  username!: string;

  @Field(() => String, { description: `Initial password (${PASSWORD_MIN}–${PASSWORD_MAX} characters).` })
  @MinLength(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  @MaxLength(PASSWORD_MAX, { message: `must be at most ${PASSWORD_MAX} characters` })
  password!: string;

  @Field(() => Role, { defaultValue: Role.USER, description: 'Role (default USER).' })
  role: Role = Role.USER;

  @Field(() => RateScalar, { nullable: true, description: 'Price rate (default 1): greater than 0, at most MAX_PRICE_RATE, ≤ 4 decimals.' })
  @IsOptional()
  priceRate?: string | null;

  @Field(() => Int, { nullable: true, description: 'Cap on this user\'s API keys; null for the server default.' })
  @IsOptional()
  @Min(0)
  @Max(10_000)
  maxApiKeys?: number | null;
}

@InputType({ description: 'Changes to a user; omitted fields stay as they are.' })
export class UpdateUserInput {
  @Field(() => Role, { nullable: true, description: 'New role.' })
  @IsOptional()
  role?: Role | null;

  @Field(() => UserStatus, { nullable: true, description: 'New status. DISABLED takes effect on every proxy within a second.' })
  @IsOptional()
  status?: UserStatus | null;

  @Field(() => RateScalar, { nullable: true, description: 'New price rate: greater than 0, at most MAX_PRICE_RATE, ≤ 4 decimals.' })
  @IsOptional()
  priceRate?: string | null;

  @Field(() => String, { nullable: true, description: `New password (${PASSWORD_MIN}–${PASSWORD_MAX} characters); logs the user out everywhere.` })
  @IsOptional()
  @MinLength(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  @MaxLength(PASSWORD_MAX, { message: `must be at most ${PASSWORD_MAX} characters` })
  password?: string | null;

  @Field(() => Int, { nullable: true, description: 'Cap on this user\'s API keys.' })
  @IsOptional()
  @Min(0)
  @Max(10_000)
  maxApiKeys?: number | null;

  @Field(() => ID, { nullable: true, description: 'Default binding of the user\'s keys without one of their own: this account group (clears accountIds); null removes it.' })
  @IsOptional()
  accountGroupId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Default binding to these accounts (clears accountGroupId); null or empty removes it.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  accountIds?: string[] | null;
}

@InputType({ description: 'Narrows the user list; fields combine with AND.' })
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Substring of the username.' })
  @IsOptional()
  @MaxLength(64)
  search?: string | null;

  @Field(() => Role, { nullable: true, description: 'Only users with this role.' })
  @IsOptional()
  role?: Role | null;

  @Field(() => UserStatus, { nullable: true, description: 'Only users with this status.' })
  @IsOptional()
  status?: UserStatus | null;
}
