import { Authorized, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import { formatRate, totalTokens, type UsageEvent, type UsageOutcome } from '@relay/core';
import type { RequestLog } from '@relay/db';
import { DateTimeScalar, RateScalar, UsdScalar } from '../../graphql/scalars.ts';
import { encodeCursor, type RecordPage, type UsageTotals } from './usage.service.ts';

/** How a request ended for billing (GraphQL names of @relay/core's UsageOutcome). */
export enum RequestOutcome {
  COMPLETED = 'completed',
  INTERRUPTED = 'interrupted',
}
registerEnumType(RequestOutcome, {
  name: 'RequestOutcome',
  description: 'How a request ended for billing.',
  valuesConfig: {
    COMPLETED: { description: 'The proxy that served it recorded it when it ended.' },
    INTERRUPTED: { description: 'Its proxy died mid-request; billed from the last in-flight checkpoint (tokens counted up to then).' },
  },
});

/** Sums over a set of requests. Counts are SafeInt (beyond GraphQL Int's 32 bits); money is USD. */
@ObjectType()
export abstract class UsageTotalsFields {
  @Field(() => GraphQLSafeInt, { description: 'Number of requests.' })
  requests!: number;

  @Field(() => GraphQLSafeInt, { description: 'Input (prompt) tokens, without cache tokens.' })
  inputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'Output (completion) tokens.' })
  outputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'Tokens written to the prompt cache.' })
  cacheCreationInputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'Tokens read from the prompt cache.' })
  cacheReadInputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'All tokens: input + output + cache write + cache read.' })
  totalTokens!: number;

  @Field(() => UsdScalar, { description: 'What was charged (price × the user\'s rate).' })
  cost!: number;

  // Users see their costs, never the list price behind them (DESIGN.md "Money and usage").
  @Authorized('ADMIN')
  @Field(() => UsdScalar, { nullable: true, description: 'Cost at list price, before the user\'s rate. Admins only; anyone else gets FORBIDDEN.' })
  baseCost!: number;
}

function fill<T extends UsageTotalsFields>(target: T, t: UsageTotals): T {
  return Object.assign(target, t);
}

@ObjectType('UsageStats', { description: 'Usage totals over a range of days (from the daily rollups).' })
export class UsageStatsType extends UsageTotalsFields {
  @Field(() => String, { description: 'First day of the range (YYYY-MM-DD, USAGE_TIMEZONE).' })
  from!: string;

  @Field(() => String, { description: 'Last day of the range, inclusive.' })
  to!: string;

  static from(from: string, to: string, t: UsageTotals): UsageStatsType {
    return fill(Object.assign(new UsageStatsType(), { from, to }), t);
  }
}

@ObjectType('DailyUsage', { description: 'Usage totals of one day (USAGE_TIMEZONE).' })
export class DailyUsageType extends UsageTotalsFields {
  @Field(() => String, { description: 'The day, YYYY-MM-DD.' })
  day!: string;

  static from(day: string, t: UsageTotals): DailyUsageType {
    return fill(Object.assign(new DailyUsageType(), { day }), t);
  }
}

@ObjectType('MonthlyUsage', { description: 'Usage totals of one month, with the days that had usage.' })
export class MonthlyUsageType extends UsageTotalsFields {
  @Field(() => String, { description: 'The month, YYYY-MM.' })
  month!: string;

  @Field(() => [DailyUsageType], { description: 'Days of the month with any usage, oldest first.' })
  days!: DailyUsageType[];
}

@ObjectType('ModelUsage', { description: 'Usage totals of one requested model over a range of days.' })
export class ModelUsageType extends UsageTotalsFields {
  @Field(() => String, { description: 'The model the clients asked for.' })
  model!: string;

  @Field(() => Float, { description: 'This model\'s share of the range\'s total cost, 0–1 (0 when nothing cost anything).' })
  costShare!: number;
}

@ObjectType('UsageSummary', { description: 'All-time and today\'s usage ("today" in USAGE_TIMEZONE).' })
export class UsageSummaryType {
  @Field(() => GraphQLSafeInt, { description: 'Requests ever made.' })
  totalRequests!: number;

  @Field(() => GraphQLSafeInt, { description: 'Tokens ever used.' })
  totalTokens!: number;

  @Field(() => UsdScalar, { description: 'Cost ever charged.' })
  totalCost!: number;

  @Field(() => GraphQLSafeInt, { description: 'Requests made today.' })
  todayRequests!: number;

  @Field(() => GraphQLSafeInt, { description: 'Tokens used today.' })
  todayTokens!: number;

  @Field(() => UsdScalar, { description: 'Cost charged today.' })
  todayCost!: number;
}

/** The fields of one request that a UsageRecord shows, from a request_logs row or a live event. */
interface RecordSource {
  requestId: string;
  createdAt: Date;
  model: string;
  platform: string | null;
  apiKeyId: string;
  stream: boolean;
  status: number;
  outcome: UsageOutcome;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  totalTokens: number;
  inputCost: number;
  outputCost: number;
  totalCost: number;
  latencyMs: number;
  firstTokenMs: number | null;
  baseCost: number;
  priceRate: string;
}

@ObjectType('UsageRecord', { description: 'One proxied request: tokens, cost and timing.' })
export class UsageRecordType {
  @Field(() => ID, { description: 'The request id (also sent to the client as x-request-id).' })
  requestId!: string;

  @Field(() => DateTimeScalar, { description: 'When the request arrived.' })
  createdAt!: Date;

  @Field(() => String, { description: 'The model the client asked for.' })
  model!: string;

  @Field(() => String, { nullable: true, description: 'Upstream platform id (e.g. "claude-console"); null when no account was reached.' })
  platform!: string | null;

  @Field(() => ID, { description: 'The API key used.' })
  apiKeyId!: string;

  @Field(() => Boolean, { description: 'Whether the response was streamed.' })
  stream!: boolean;

  @Field(() => Int, { description: 'HTTP status returned to the client (499: the client went away).' })
  status!: number;

  @Field(() => RequestOutcome, { description: 'COMPLETED, or INTERRUPTED when its proxy died mid-request and it was billed from its last checkpoint.' })
  outcome!: RequestOutcome;

  @Field(() => GraphQLSafeInt, { description: 'Input tokens.' })
  inputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'Output tokens.' })
  outputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'Cache write tokens.' })
  cacheCreationInputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'Cache read tokens.' })
  cacheReadInputTokens!: number;

  @Field(() => GraphQLSafeInt, { description: 'All tokens of the request.' })
  totalTokens!: number;

  @Field(() => UsdScalar, { description: 'Charged for the prompt side (input + cache write + cache read).' })
  inputCost!: number;

  @Field(() => UsdScalar, { description: 'Charged for the output.' })
  outputCost!: number;

  @Field(() => UsdScalar, { description: 'Charged in total.' })
  totalCost!: number;

  @Field(() => Int, { description: 'Time from arrival to the last byte, in ms.' })
  latencyMs!: number;

  @Field(() => Int, { nullable: true, description: 'Time to the first streamed token, in ms (null when not streamed or nothing came).' })
  firstTokenMs!: number | null;

  @Authorized('ADMIN')
  @Field(() => UsdScalar, { nullable: true, description: 'Cost at list price before the user\'s rate. Admins only; anyone else gets FORBIDDEN.' })
  baseCost!: number;

  @Authorized('ADMIN')
  @Field(() => RateScalar, { nullable: true, description: 'The user\'s price rate applied to this request. Admins only; anyone else gets FORBIDDEN.' })
  priceRate!: string;

  private static of(s: RecordSource): UsageRecordType {
    return Object.assign(new UsageRecordType(), { ...s, outcome: s.outcome as RequestOutcome });
  }

  static fromLog(r: RequestLog): UsageRecordType {
    return UsageRecordType.of({
      requestId: r.requestId,
      createdAt: r.createdAt,
      model: r.model,
      platform: r.platform,
      apiKeyId: String(r.apiKeyId),
      stream: r.stream,
      status: r.status,
      outcome: r.outcome,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      cacheCreationInputTokens: r.cacheCreationInputTokens,
      cacheReadInputTokens: r.cacheReadInputTokens,
      totalTokens: r.totalTokens,
      inputCost: r.inputCost,
      outputCost: r.outputCost,
      totalCost: r.totalCost,
      latencyMs: r.latencyMs,
      firstTokenMs: r.firstTokenMs,
      baseCost: r.baseCost,
      priceRate: r.priceRate,
    });
  }

  static fromEvent(e: UsageEvent): UsageRecordType {
    return UsageRecordType.of({
      requestId: e.requestId,
      createdAt: new Date(e.startedAt),
      model: e.model,
      platform: e.platform,
      apiKeyId: e.apiKeyId,
      stream: !!e.stream,
      status: e.status,
      outcome: e.outcome ?? 'completed',
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      cacheCreationInputTokens: e.cacheCreationInputTokens,
      cacheReadInputTokens: e.cacheReadInputTokens,
      totalTokens: totalTokens(e),
      inputCost: e.inputCost,
      outputCost: e.outputCost,
      totalCost: e.totalCost,
      latencyMs: e.latencyMs,
      firstTokenMs: e.firstTokenMs ?? null,
      baseCost: e.baseTotalCost,
      priceRate: formatRate(e.priceRate),
    });
  }
}

@ObjectType('UsageRecordPage', { description: 'A page of usage records, newest first (keyset pagination: pass nextCursor as page.after for the next one).' })
export class UsageRecordPage {
  @Field(() => [UsageRecordType], { description: 'This page of records.' })
  items!: UsageRecordType[];

  @Field(() => String, { nullable: true, description: 'Cursor of the next (older) page; null when this is the last.' })
  nextCursor!: string | null;

  static of(page: RecordPage): UsageRecordPage {
    return Object.assign(new UsageRecordPage(), { items: page.items.map((r) => UsageRecordType.fromLog(r)), nextCursor: page.next ? encodeCursor(page.next) : null });
  }
}
