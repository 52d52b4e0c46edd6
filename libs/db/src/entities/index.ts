import { AccessToken } from './access-token.ts';
import { AlertChannel } from './alert-channel.ts';
import { AlertDelivery } from './alert-delivery.ts';
import { Account } from './account.ts';
import { AccountGroup } from './account-group.ts';
import { ApiKey } from './api-key.ts';
import { AuditLog } from './audit-log.ts';
import { ModelPrice } from './model-price.ts';
import { OAuthSession } from './oauth-session.ts';
import { RequestLog } from './request-log.ts';
import { Session } from './session.ts';
import { Setting } from './setting.ts';
import { UsageAccountHourly } from './usage-account-hourly.ts';
import { UsageDaily } from './usage-daily.ts';
import { User } from './user.ts';

export * from './access-token.ts';
export * from './alert-channel.ts';
export * from './alert-delivery.ts';
export * from './account.ts';
export * from './account-group.ts';
export * from './api-key.ts';
export * from './audit-log.ts';
export * from './model-price.ts';
export * from './oauth-session.ts';
export * from './request-log.ts';
export * from './session.ts';
export * from './setting.ts';
export * from './usage-account-hourly.ts';
export * from './usage-daily.ts';
export * from './user.ts';
export { RateDecimalType } from './columns.ts';

/** Every entity class, in the order the ORM discovers them. */
export const ALL_ENTITIES = [User, Account, ApiKey, ModelPrice, RequestLog, UsageDaily, UsageAccountHourly, AuditLog, Session, AccessToken, OAuthSession, Setting, AlertChannel, AlertDelivery, AccountGroup];
