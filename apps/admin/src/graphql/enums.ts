// GraphQL enums as TypeScript unions, read from the schema's introspection output (never
// restated by hand), plus the runtime lists the forms iterate over.
import type { introspection_types } from '../graphql-env.d.ts';

type EnumOf<Name extends keyof introspection_types> = introspection_types[Name] extends { enumValues: infer V } ? V : never;

export type Role = EnumOf<'Role'>;
export type UserStatus = EnumOf<'UserStatus'>;
export type AccountStatus = EnumOf<'AccountStatus'>;
export type PlatformEnum = EnumOf<'Platform'>;
export type ProxyTestEventKind = EnumOf<'ProxyTestEventKind'>;
export type ClientFamily = EnumOf<'ClientFamily'>;

/** Every client family a key can be limited to; the type check fails if the schema gains or loses one. */
export const CLIENT_FAMILIES = ['CLAUDE_CODE', 'CODEX', 'GEMINI_CLI'] as const satisfies readonly ClientFamily[];
type MissingClientFamily = Exclude<ClientFamily, (typeof CLIENT_FAMILIES)[number]>;
const everyClientFamilyListed: [MissingClientFamily] extends [never] ? true : MissingClientFamily = true;
void everyClientFamilyListed;

/** Every platform, in the order the UI lists them; the type check fails if the schema gains or loses one. */
export const PLATFORM_ENUMS = ['CLAUDE_OAUTH', 'CLAUDE_CONSOLE', 'CCR', 'BEDROCK', 'AZURE_OPENAI', 'OPENAI', 'GEMINI'] as const satisfies readonly PlatformEnum[];
type MissingPlatform = Exclude<PlatformEnum, (typeof PLATFORM_ENUMS)[number]>;
const everyPlatformListed: [MissingPlatform] extends [never] ? true : MissingPlatform = true;
void everyPlatformListed;

export type AlertChannelKind = EnumOf<'AlertChannelKind'>;
export type AlertEventType = EnumOf<'AlertEventType'>;
export type AlertDeliveryStatus = EnumOf<'AlertDeliveryStatus'>;

/** Every alert channel kind, in the order the channel form lists them; the type check fails if the schema gains or loses one. */
export const ALERT_CHANNEL_KINDS = ['WEBHOOK', 'SLACK', 'FEISHU', 'DINGTALK', 'WECOM'] as const satisfies readonly AlertChannelKind[];
type MissingAlertChannelKind = Exclude<AlertChannelKind, (typeof ALERT_CHANNEL_KINDS)[number]>;
const everyAlertChannelKindListed: [MissingAlertChannelKind] extends [never] ? true : MissingAlertChannelKind = true;
void everyAlertChannelKindListed;

/** Every alert event type, in the order the channel form lists them (checked against the schema like the kinds). */
export const ALERT_EVENT_TYPES = ['ACCOUNT_ERROR', 'ACCOUNT_RECOVERED', 'ACCOUNT_PAUSED', 'ACCOUNT_RESUMED', 'OAUTH_REFRESH_FAILED', 'KEY_BUDGET', 'INGESTER_LAGGING'] as const satisfies readonly AlertEventType[];
type MissingAlertEventType = Exclude<AlertEventType, (typeof ALERT_EVENT_TYPES)[number]>;
const everyAlertEventTypeListed: [MissingAlertEventType] extends [never] ? true : MissingAlertEventType = true;
void everyAlertEventTypeListed;
