// GraphQL enums as TypeScript unions, read from the schema's introspection output (never
// restated by hand), plus the runtime lists the forms iterate over.
import type { introspection_types } from '../graphql-env.d.ts';

type EnumOf<Name extends keyof introspection_types> = introspection_types[Name] extends { enumValues: infer V } ? V : never;

export type Role = EnumOf<'Role'>;
export type UserStatus = EnumOf<'UserStatus'>;
export type AccountStatus = EnumOf<'AccountStatus'>;
export type PlatformEnum = EnumOf<'Platform'>;
export type ProxyTestEventKind = EnumOf<'ProxyTestEventKind'>;

/** Every platform, in the order the UI lists them; the type check fails if the schema gains or loses one. */
export const PLATFORM_ENUMS = ['CLAUDE_OAUTH', 'CLAUDE_CONSOLE', 'CCR', 'BEDROCK', 'AZURE_OPENAI', 'OPENAI', 'GEMINI'] as const satisfies readonly PlatformEnum[];
type MissingPlatform = Exclude<PlatformEnum, (typeof PLATFORM_ENUMS)[number]>;
const everyPlatformListed: [MissingPlatform] extends [never] ? true : MissingPlatform = true;
void everyPlatformListed;
