import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { Account } from '@relay/db';
import type { UsageWindow, UsageWindows } from '@relay/core';
import { DateTimeScalar } from '../../graphql/scalars.ts';
import { fromPlatform, PlatformEnum } from './platform.enum.ts';

export enum AccountStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
  ERROR = 'ERROR',
}
registerEnumType(AccountStatus, {
  name: 'AccountStatus',
  description: 'Whether an upstream account is in service.',
  valuesConfig: {
    ACTIVE: { description: 'In service.' },
    DISABLED: { description: 'Taken out of service by an admin.' },
    ERROR: { description: 'Taken out of service automatically (e.g. repeated authentication failures); see statusReason.' },
  },
});

/** Live state of an account from the hot store (what the proxies see right now). */
export interface AccountLiveState {
  cooldownUntil: Date | null;
  concurrencyInUse: number;
  /** Subscription usage windows as of now (`currentUsageWindows`), when a response reported them. */
  usageWindows?: UsageWindows | null;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

@ObjectType('UsageWindow', { description: 'One Claude subscription usage window (5 hours or 7 days) as Anthropic last reported it.' })
export class UsageWindowType {
  @Field(() => Int, { description: 'Share of the window used, in basis points (10000 = 100 %); 0 once the window has reset.' })
  utilizationBp!: number;

  @Field(() => String, { nullable: true, description: 'The window\'s status: allowed, allowed_warning or rejected; null when unknown or reset since.' })
  status!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the window restarts; null when unknown or past.' })
  resetsAt!: Date | null;

  static from(w: UsageWindow): UsageWindowType {
    return Object.assign(new UsageWindowType(), { utilizationBp: w.utilizationBp, status: w.status, resetsAt: date(w.resetsAt) });
  }
}

@ObjectType('AccountUsageWindows', { description: 'A Claude subscription account\'s usage windows, read by the proxies from Anthropic\'s unified rate-limit headers.' })
export class AccountUsageWindowsType {
  @Field(() => UsageWindowType, { nullable: true, description: 'The 5-hour window; null when never reported.' })
  fiveHour!: UsageWindowType | null;

  @Field(() => UsageWindowType, { nullable: true, description: 'The 7-day window; null when never reported.' })
  sevenDay!: UsageWindowType | null;

  @Field(() => String, { nullable: true, description: 'The overall unified status (allowed, allowed_warning, rejected); null when unknown or a rejection has passed.' })
  status!: string | null;

  @Field(() => String, { nullable: true, description: 'Which window the overall status stands for (five_hour, seven_day, …).' })
  representativeClaim!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Until when the proxies send nothing to the account because a window is spent; null when not paused.' })
  pausedUntil!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When an upstream response last reported these figures.' })
  updatedAt!: Date;

  static from(w: UsageWindows): AccountUsageWindowsType {
    return Object.assign(new AccountUsageWindowsType(), {
      fiveHour: w.fiveHour && UsageWindowType.from(w.fiveHour), sevenDay: w.sevenDay && UsageWindowType.from(w.sevenDay),
      status: w.status, representativeClaim: w.representativeClaim, pausedUntil: date(w.pausedUntil), updatedAt: new Date(w.updatedAt),
    });
  }
}

@ObjectType('Account', { description: 'An upstream provider account the proxy routes requests to. Credentials are never returned.' })
export class AccountType {
  @Field(() => ID, { description: 'Account id.' })
  id!: string;

  @Field(() => String, { description: 'Display name.' })
  name!: string;

  @Field(() => PlatformEnum, { description: 'The upstream platform.' })
  platform!: PlatformEnum;

  @Field(() => AccountStatus, { description: 'Whether the account is in service.' })
  status!: AccountStatus;

  @Field(() => String, { nullable: true, description: 'Why the account is in ERROR or DISABLED, when known.' })
  statusReason!: string | null;

  @Field(() => Boolean, { description: 'Whether the proxy may route new requests to it.' })
  schedulable!: boolean;

  @Field(() => Int, { description: 'Scheduling priority: lower numbers are tried first.' })
  priority!: number;

  @Field(() => String, { nullable: true, description: 'API base URL; null = the platform default.' })
  baseUrl!: string | null;

  @Field(() => String, { description: 'The last four characters of the main credential, e.g. "••••abcd".' })
  credentialHint!: string;

  @Field(() => String, { nullable: true, description: 'Egress proxy as scheme://host:port (never its password); null = direct.' })
  egressProxyHint!: string | null;

  @Field(() => [String], { nullable: true, description: 'Models this account serves; null = every model of its platform family.' })
  models!: string[] | null;

  @Field(() => GraphQLJSONObject, { description: 'Client model name → model id sent upstream.' })
  modelMapping!: Record<string, string>;

  @Field(() => Int, { nullable: true, description: 'Most concurrent requests; null = unlimited.' })
  concurrency!: number | null;

  @Field(() => Int, { description: 'Requests running on this account right now, across all proxies.' })
  concurrencyInUse!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Until when the proxies skip this account after an upstream rate limit or error; null when not cooling down.' })
  cooldownUntil!: Date | null;

  @Field(() => AccountUsageWindowsType, { nullable: true, description: 'CLAUDE_OAUTH: the subscription\'s usage windows as the proxies last saw them; null before any response reported them.' })
  usageWindows!: AccountUsageWindowsType | null;

  @Field(() => String, { nullable: true, description: 'BEDROCK: AWS region.' })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'AZURE_OPENAI: deployment name.' })
  deployment!: string | null;

  @Field(() => String, { nullable: true, description: 'AZURE_OPENAI: API version.' })
  apiVersion!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'CLAUDE_OAUTH: when the current access token expires; null when unknown or not OAuth.' })
  tokenExpiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When a request last went through this account.' })
  lastUsedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Seconds between the control plane\'s scheduled health probes; null = none.' })
  probeIntervalSeconds!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last scheduled health probe ran; null = never.' })
  lastProbeAt!: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the last scheduled probe got a 2xx answer; null = never probed.' })
  lastProbeOk!: boolean | null;

  @Field(() => String, { nullable: true, description: 'Why the last scheduled probe failed (status and classification, never the upstream\'s text).' })
  lastProbeError!: string | null;

  @Field(() => Int, { nullable: true, description: 'Milliseconds the last scheduled probe took.' })
  lastProbeLatencyMs!: number | null;

  @Field(() => DateTimeScalar, { description: 'When the account was added.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the account was last changed.' })
  updatedAt!: Date;

  static from(a: Account, live: AccountLiveState, tokenExpiresAt: Date | null): AccountType {
    return Object.assign(new AccountType(), {
      id: String(a.id),
      name: a.name,
      platform: fromPlatform(a.platform),
      status: a.status as AccountStatus,
      statusReason: a.statusReason,
      schedulable: a.schedulable,
      priority: a.priority,
      baseUrl: a.baseUrl,
      credentialHint: a.credentialHint,
      egressProxyHint: a.egressProxyHint,
      models: a.supportedModels,
      modelMapping: a.modelMapping ?? {},
      concurrency: a.concurrency,
      concurrencyInUse: live.concurrencyInUse,
      cooldownUntil: live.cooldownUntil,
      usageWindows: live.usageWindows ? AccountUsageWindowsType.from(live.usageWindows) : null,
      region: a.settings?.region ?? null,
      deployment: a.settings?.deployment ?? null,
      apiVersion: a.settings?.apiVersion ?? null,
      tokenExpiresAt,
      lastUsedAt: a.lastUsedAt,
      probeIntervalSeconds: a.probeIntervalSeconds,
      lastProbeAt: a.lastProbeAt,
      lastProbeOk: a.lastProbeOk,
      lastProbeError: a.lastProbeError,
      lastProbeLatencyMs: a.lastProbeLatencyMs,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    });
  }
}

@ObjectType({ description: 'The result of one small test request through an account.' })
export class AccountTestResult {
  @Field(() => Boolean, { description: 'True when the upstream answered with a 2xx status.' })
  ok!: boolean;

  @Field(() => Int, { description: 'Upstream HTTP status; 0 when no response arrived.' })
  status!: number;

  @Field(() => Int, { description: 'Milliseconds from sending the request to the end of the answer.' })
  latencyMs!: number;

  @Field(() => String, { description: 'The first words of the answer; empty when the upstream answered with an error (its body is never passed on).' })
  text!: string;

  @Field(() => String, { nullable: true, description: 'Why the test failed, when it did: the status with a short classification, or the connection failure (e.g. refused by the upstream address policy).' })
  error!: string | null;
}
