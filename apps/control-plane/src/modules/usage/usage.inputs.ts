import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../graphql/pagination.ts';
import { DateTimeScalar } from '../../graphql/scalars.ts';

/**
 * Whose usage a query reads. Design: every usage query reads the CALLER's own usage unless told
 * otherwise — an admin passes `userId` for one user, or `scope: PLATFORM` for everyone. A user may
 * pass their own userId; anything wider gives FORBIDDEN. `apiKeyId` narrows to one key: for an
 * admin, that key's usage whoever owns it; for a user, only within their own usage (another
 * user's key simply matches nothing).
 */
export enum UsageScope {
  MINE = 'MINE',
  PLATFORM = 'PLATFORM',
}
registerEnumType(UsageScope, {
  name: 'UsageScope',
  description: 'Whose usage to read when no userId is given.',
  valuesConfig: {
    MINE: { description: 'The caller\'s own usage (the default).' },
    PLATFORM: { description: 'Every user\'s usage together (admins only).' },
  },
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

@ArgsType()
export class UsageScopeArgs {
  @Field(() => UsageScope, { defaultValue: UsageScope.MINE, description: 'Whose usage when userId is not given (PLATFORM: admins only).' })
  scope: UsageScope = UsageScope.MINE;

  @Field(() => ID, { nullable: true, description: 'Only this user\'s usage (admins; users may give only their own id).' })
  @IsOptional()
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only usage through this API key.' })
  @IsOptional()
  apiKeyId?: string | null;
}

@ArgsType()
export class UsageRangeArgs extends UsageScopeArgs {
  @Field(() => String, { description: 'First day, YYYY-MM-DD in USAGE_TIMEZONE.' })
  @Matches(DAY, { message: 'from must be a day YYYY-MM-DD' })
  from!: string;

  @Field(() => String, { description: 'Last day (inclusive), YYYY-MM-DD in USAGE_TIMEZONE.' })
  @Matches(DAY, { message: 'to must be a day YYYY-MM-DD' })
  to!: string;
}

@ArgsType()
export class MonthlyUsageArgs extends UsageScopeArgs {
  @Field(() => String, { description: 'The month, YYYY-MM in USAGE_TIMEZONE.' })
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month!: string;
}

@InputType({ description: 'Which live requests to receive; fields combine with AND. Users only ever receive their own.' })
export class RequestLoggedFilter {
  @Field(() => ID, { nullable: true, description: 'Only this user\'s requests (admins; users may give only their own id).' })
  @IsOptional()
  userId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only requests made with this API key.' })
  @IsOptional()
  apiKeyId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only requests for this model (as the client asked).' })
  @IsOptional()
  @MaxLength(128)
  model?: string | null;

  @Field(() => Int, { nullable: true, description: 'Only requests answered with this HTTP status.' })
  @IsOptional()
  status?: number | null;
}

@InputType({ description: 'Narrows usage records; every field is optional and they combine with AND.' })
export class UsageRecordFilter extends RequestLoggedFilter {
  @Field(() => UsageScope, { nullable: true, description: 'Whose records when userId is not given (default MINE; PLATFORM: admins only).' })
  @IsOptional()
  scope?: UsageScope | null;

  @Field(() => ID, { nullable: true, description: 'Only requests served by this upstream account (admins only; anyone else gets FORBIDDEN).' })
  @IsOptional()
  accountId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only requests that arrived at or after this time (default: 92 days before `until`, or before now).' })
  @IsOptional()
  since?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only requests that arrived before this time. [since, until) may cover at most 92 days.' })
  @IsOptional()
  until?: Date | null;
}

/** Keyset pagination of usage records: the first page without `after`, then `after: <nextCursor of the page before>`. */
@InputType({ description: 'Which page of usage records: the newest, or the one after a cursor.' })
export class RecordPageInput {
  @Field(() => String, { nullable: true, description: 'nextCursor of the previous page; omit for the newest records.' })
  @IsOptional()
  @MaxLength(64)
  after?: string | null;

  @Field(() => Int, { defaultValue: DEFAULT_PAGE_LIMIT, description: `How many records to return (1–${MAX_PAGE_LIMIT}).` })
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit: number = DEFAULT_PAGE_LIMIT;
}
