// type-graphql calls Reflect.getMetadata even when every type is explicit (esbuild emits none).
import 'reflect-metadata';
import type { BuildSchemaOptions } from 'type-graphql';
import { AuditResolver } from '../modules/audit/audit.resolver.ts';
import { AuthResolver } from '../modules/auth/auth.resolver.ts';
import { SnapshotResolver } from '../modules/snapshot/snapshot.resolver.ts';
import { UsersResolver } from '../modules/users/users.resolver.ts';
import { UsageResolver } from '../modules/usage/usage.resolver.ts';
import { AccountUsageResolver } from '../modules/usage/account-usage.ts';
import { LiveLogsResolver } from '../modules/live-logs/live-logs.resolver.ts';
import { AccountsResolver } from '../modules/accounts/accounts.resolver.ts';
import { ClaudeOAuthResolver } from '../modules/oauth/oauth.resolver.ts';
import { ApiKeysResolver } from '../modules/api-keys/api-keys.resolver.ts';
import { PricingResolver } from '../modules/pricing/pricing.resolver.ts';
import { AlertsResolver } from '../modules/alerts/alerts.resolver.ts';
import { AccountGroupsResolver } from '../modules/account-groups/account-groups.resolver.ts';

/**
 * Every resolver of the API. Adding a module = a folder under src/modules/<domain>/ with its
 * resolver/service/inputs/types, plus one line here.
 */
export const RESOLVERS: BuildSchemaOptions['resolvers'] = [
  AuthResolver,
  UsersResolver,
  AuditResolver,
  SnapshotResolver,
  UsageResolver,
  AccountUsageResolver,
  LiveLogsResolver,
  AccountsResolver,
  ClaudeOAuthResolver,
  ApiKeysResolver,
  PricingResolver,
  AlertsResolver,
  AccountGroupsResolver,
];
