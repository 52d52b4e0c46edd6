import { guardedLookup, refusalWithoutDns, type UpstreamAddressPolicy } from '@relay/core';
import { Agent } from 'undici';

/**
 * Where alert webhooks may go: the platform's upstream address policy (libs/core/src/upstream-address.ts),
 * the same one that guards account base URLs. Link-local and cloud metadata addresses are refused
 * always; loopback and private ranges only with UPSTREAM_ALLOW_PRIVATE=true — one switch decides
 * whether an admin may make this relay send requests into the private network (see the "Alerts"
 * paragraph of docs/ARCHITECTURE.md).
 */

/** Validates a channel URL; returns the reason it is refused, or null. Called on create/update and before each send. */
export function alertUrlProblem(raw: string, policy: UpstreamAddressPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  return refusalWithoutDns(url.hostname, policy)?.message ?? null;
}

/**
 * The HTTP agent alert deliveries use: host names are resolved through the policy's lookup, so a
 * name cannot smuggle a refused address past alertUrlProblem (judged at connect time, on the
 * address actually dialled; IP literals are judged by alertUrlProblem before each send).
 */
export function createAlertAgent(policy: UpstreamAddressPolicy): Agent {
  return new Agent({ connect: { lookup: guardedLookup(policy) }, keepAliveTimeout: 10_000 });
}
