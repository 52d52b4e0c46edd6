import { assertUpstreamHostAllowed, UpstreamAddressError, type UpstreamAddressPolicy } from '@relay/core';
import { errors } from '../../graphql/errors.ts';

/**
 * Refuses an account whose base URL or egress proxy resolves to an address the upstream address
 * policy forbids (link-local/metadata always; loopback and private ranges unless
 * UPSTREAM_ALLOW_PRIVATE=true), as BAD_USER_INPUT naming the field. Proxies check again at connect
 * time, so a DNS answer that changes later cannot get around it; this check tells the admin at once.
 */
export async function assertUpstreamAddressesAllowed(policy: UpstreamAddressPolicy, urls: { baseUrl?: string | null; egressProxy?: string | null }): Promise<void> {
  for (const field of ['baseUrl', 'egressProxy'] as const) {
    const value = urls[field]?.trim();
    if (!value) continue;
    let hostname: string;
    try {
      hostname = new URL(value).hostname;
    } catch {
      continue; // the URL's own validation reports it
    }
    try {
      await assertUpstreamHostAllowed(hostname, policy);
    } catch (e) {
      if (e instanceof UpstreamAddressError) throw errors.badInput(field, e.message);
      throw e;
    }
  }
}
