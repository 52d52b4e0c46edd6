import { maskSecret, type AccountCredentials, type Platform } from '@relay/core';
import { errors } from '../../graphql/errors.ts';

/** The credential and endpoint fields of an account input, as typed by the admin (all optional here). */
export interface AccountPlatformFields {
  baseUrl?: string | null;
  apiKey?: string | null;
  accessToken?: string | null;
  refreshToken?: string | null;
  expiresAt?: Date | null;
  region?: string | null;
  accessKeyId?: string | null;
  secretAccessKey?: string | null;
  sessionToken?: string | null;
  deployment?: string | null;
  apiVersion?: string | null;
}

/** What a platform's fields become: encrypted credentials, their hint, non-secret settings, the base URL. */
export interface PlatformConfig {
  credentials: AccountCredentials;
  credentialHint: string;
  settings: Record<string, string>;
  baseUrl: string | null;
}

/** Fields each platform accepts; anything else given is refused rather than silently dropped. */
const ACCEPTED: Record<Platform, (keyof AccountPlatformFields)[]> = {
  'claude-oauth': ['baseUrl', 'accessToken', 'refreshToken', 'expiresAt'],
  'claude-console': ['baseUrl', 'apiKey'],
  ccr: ['baseUrl', 'apiKey'],
  bedrock: ['baseUrl', 'region', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'apiKey'],
  'azure-openai': ['baseUrl', 'apiKey', 'deployment', 'apiVersion'],
  openai: ['baseUrl', 'apiKey'],
  gemini: ['baseUrl', 'apiKey'],
};

/** Every credential/endpoint field of an account input. */
export const PLATFORM_FIELDS: readonly (keyof AccountPlatformFields)[] = [
  'baseUrl', 'apiKey', 'accessToken', 'refreshToken', 'expiresAt', 'region', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'deployment', 'apiVersion',
];

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const DEPLOYMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** Trims a string field; empty means "not given" (forms send empty strings). */
function present(v: string | null | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function requireField(v: string | undefined, field: string, platform: string): string {
  if (!v) throw errors.badInput(field, `is required for ${platform} accounts`);
  return v;
}

function secretField(v: string | undefined, field: string, platform: string): string {
  const s = requireField(v, field, platform);
  if (s.length < 8 || s.length > 8192 || /\s/.test(s)) throw errors.badInput(field, 'must be 8–8192 characters without spaces');
  return s;
}

/** Validates an http(s) URL (no credentials in it) and returns it without a trailing slash. */
export function validHttpUrl(value: string, field: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw errors.badInput(field, 'must be an http:// or https:// URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw errors.badInput(field, 'must be an http:// or https:// URL');
  if (u.username || u.password) throw errors.badInput(field, 'must not contain a user name or password');
  if (value.length > 512) throw errors.badInput(field, 'must be at most 512 characters');
  return value.replace(/\/+$/, '');
}

/**
 * Validates the fields of one platform and turns them into credentials + settings. `fields` is
 * the full set (for updates: the stored values with the admin's changes merged over them), so the
 * same rules hold for create and update. BAD_USER_INPUT names the field at fault.
 */
export function buildPlatformConfig(platform: Platform, fields: AccountPlatformFields, enumName: string): PlatformConfig {
  for (const k of PLATFORM_FIELDS) {
    const v = fields[k];
    const given = v instanceof Date || (typeof v === 'string' && v.trim() !== '');
    if (given && !ACCEPTED[platform].includes(k)) throw errors.badInput(k, `is not used by ${enumName} accounts`);
  }
  const baseUrlRaw = present(fields.baseUrl);
  const baseUrl = baseUrlRaw ? validHttpUrl(baseUrlRaw, 'baseUrl') : null;

  switch (platform) {
    case 'claude-oauth': {
      const accessToken = secretField(present(fields.accessToken), 'accessToken', enumName);
      const refreshToken = present(fields.refreshToken);
      if (refreshToken !== undefined) secretField(refreshToken, 'refreshToken', enumName);
      const expiresAt = fields.expiresAt ? fields.expiresAt.getTime() : null;
      const credentials: AccountCredentials = { kind: 'oauth', accessToken, refreshToken: refreshToken ?? null, expiresAt };
      return { credentials, credentialHint: maskSecret(accessToken)!, settings: {}, baseUrl };
    }
    case 'claude-console':
    case 'openai':
    case 'gemini': {
      const apiKey = secretField(present(fields.apiKey), 'apiKey', enumName);
      return { credentials: { kind: 'api-key', apiKey }, credentialHint: maskSecret(apiKey)!, settings: {}, baseUrl };
    }
    case 'ccr': {
      const apiKey = secretField(present(fields.apiKey), 'apiKey', enumName);
      return { credentials: { kind: 'api-key', apiKey }, credentialHint: maskSecret(apiKey)!, settings: {}, baseUrl: requireField(baseUrl ?? undefined, 'baseUrl', enumName) };
    }
    case 'azure-openai': {
      const endpoint = requireField(baseUrl ?? undefined, 'baseUrl', enumName);
      const deployment = requireField(present(fields.deployment), 'deployment', enumName);
      if (!DEPLOYMENT.test(deployment)) throw errors.badInput('deployment', 'must be 1–64 letters, digits, ".", "_" or "-"');
      const apiVersion = present(fields.apiVersion) ?? DEFAULT_AZURE_API_VERSION;
      if (!API_VERSION.test(apiVersion)) throw errors.badInput('apiVersion', 'must look like 2024-10-21 or 2025-01-01-preview');
      const apiKey = secretField(present(fields.apiKey), 'apiKey', enumName);
      return { credentials: { kind: 'api-key', apiKey }, credentialHint: maskSecret(apiKey)!, settings: { deployment, apiVersion }, baseUrl: endpoint };
    }
    case 'bedrock': {
      const region = requireField(present(fields.region), 'region', enumName);
      if (!REGION.test(region)) throw errors.badInput('region', 'must be an AWS region such as us-east-1');
      const apiKey = present(fields.apiKey);
      const accessKeyId = present(fields.accessKeyId);
      const secretAccessKey = present(fields.secretAccessKey);
      const sessionToken = present(fields.sessionToken);
      if (apiKey && (accessKeyId || secretAccessKey || sessionToken)) {
        throw errors.badInput('apiKey', 'give either a Bedrock API key or access keys, not both');
      }
      if (apiKey) {
        secretField(apiKey, 'apiKey', enumName);
        return { credentials: { kind: 'bedrock-api-key', apiKey }, credentialHint: maskSecret(apiKey)!, settings: { region }, baseUrl };
      }
      if (!accessKeyId) throw errors.badInput('accessKeyId', 'is required for BEDROCK accounts (or give a Bedrock apiKey)');
      if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) throw errors.badInput('accessKeyId', 'must be 16–128 upper-case letters or digits');
      const secret = secretField(secretAccessKey, 'secretAccessKey', enumName);
      if (sessionToken !== undefined) secretField(sessionToken, 'sessionToken', enumName);
      return {
        credentials: { kind: 'aws', accessKeyId, secretAccessKey: secret, sessionToken: sessionToken ?? null },
        credentialHint: maskSecret(accessKeyId)!,
        settings: { region },
        baseUrl,
      };
    }
  }
}

/** The stored credentials turned back into input fields, so an update can change one field and keep the rest. */
export function credentialFields(c: AccountCredentials): AccountPlatformFields {
  switch (c.kind) {
    case 'oauth':
      return { accessToken: c.accessToken, refreshToken: c.refreshToken, expiresAt: c.expiresAt === null ? null : new Date(c.expiresAt) };
    case 'api-key':
    case 'bedrock-api-key':
      return { apiKey: c.apiKey };
    case 'aws':
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? null };
  }
}

const EGRESS_SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks5h:', 'socks:']);

/** Validates an egress proxy URL; returns the display hint (scheme://host:port, never the password). */
export function egressProxyHint(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw errors.badInput('egressProxy', 'must be an http://, https:// or socks5:// URL');
  }
  if (!EGRESS_SCHEMES.has(u.protocol) || !u.hostname) throw errors.badInput('egressProxy', 'must be an http://, https:// or socks5:// URL');
  if (value.length > 1024) throw errors.badInput('egressProxy', 'must be at most 1024 characters');
  return `${u.protocol}//${u.host}`.slice(0, 128);
}
