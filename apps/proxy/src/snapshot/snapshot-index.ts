import {
  SecretBox, type AccountCredentials, type ConfigSnapshot, type ModelPrice, type Platform, type SnapshotAccount,
  type SnapshotKey, type SnapshotUser,
} from '@relay/core';

/**
 * Lookup maps over one snapshot version, built once when the version arrives so the request path
 * does only map lookups. Credentials are decrypted lazily (first use) and cached for the version.
 */
export class SnapshotIndex {
  readonly version: number;
  readonly keysByHash: Map<string, SnapshotKey>;
  readonly users: Map<string, SnapshotUser>;
  readonly accountsById = new Map<string, SnapshotAccount>();
  readonly accountsByPlatform = new Map<Platform, SnapshotAccount[]>();
  private readonly prices = new Map<string, ModelPrice>();
  /** Any price of a model, whatever its platform (up-front checks and estimates). */
  private readonly anyPriceByModel = new Map<string, ModelPrice>();
  private readonly credentials = new Map<string, AccountCredentials>();
  private readonly egress = new Map<string, string | null>();

  constructor(readonly snapshot: ConfigSnapshot, private readonly box: SecretBox) {
    this.version = snapshot.version;
    this.keysByHash = new Map(Object.entries(snapshot.keys));
    this.users = new Map(Object.entries(snapshot.users));
    for (const a of snapshot.accounts) {
      this.accountsById.set(a.id, a);
      const list = this.accountsByPlatform.get(a.platform) ?? [];
      list.push(a);
      this.accountsByPlatform.set(a.platform, list);
    }
    for (const p of snapshot.prices) {
      this.prices.set(priceKey(p.model, p.platform), p.price);
      if (!this.anyPriceByModel.has(p.model) || p.platform === null) this.anyPriceByModel.set(p.model, p.price);
    }
    // An alias without a price of its own is servable when an account maps it to a priced model: it is
    // billed at that model's price (the model that served it), so it must not be refused up front.
    for (const a of snapshot.accounts) {
      for (const [alias, target] of Object.entries(a.modelMapping ?? {})) {
        const targetPrice = this.anyPriceByModel.get(target);
        if (targetPrice && !this.anyPriceByModel.has(alias)) this.anyPriceByModel.set(alias, targetPrice);
      }
    }
  }

  /** Price of a model on a platform: model+platform, then model alone, then the default price. */
  price(model: string, platform: Platform | null): ModelPrice | null {
    return this.ownPrice(model, platform) || this.snapshot.defaultPrice;
  }

  /** A price configured for exactly this model (model+platform, then model alone); never the default. */
  ownPrice(model: string, platform: Platform | null): ModelPrice | null {
    return (platform && this.prices.get(priceKey(model, platform))) || this.prices.get(priceKey(model, null)) || null;
  }

  /** The price for an up-front estimate when the serving platform is not known yet. */
  estimatePrice(model: string): ModelPrice | null {
    return this.anyPriceByModel.get(model) ?? this.snapshot.defaultPrice;
  }

  /** Whether any price (any platform, or the default) covers the model. */
  hasAnyPrice(model: string): boolean {
    return this.snapshot.defaultPrice !== null || this.anyPriceByModel.has(model);
  }

  /** Models that have a price of their own (for model lists). */
  pricedModels(): string[] {
    return [...this.anyPriceByModel.keys()];
  }

  /** The decrypted credential JSON of an account (cached per version). */
  accountCredentials(account: SnapshotAccount): AccountCredentials {
    let c = this.credentials.get(account.id);
    if (!c) {
      c = this.box.decryptJson<AccountCredentials>(account.credentials);
      this.credentials.set(account.id, c);
    }
    return c;
  }

  /** The decrypted egress proxy URL of an account, or null. */
  egressProxy(account: SnapshotAccount): string | null {
    if (!account.egressProxy) return null;
    let u = this.egress.get(account.id);
    if (u === undefined) {
      u = this.box.decrypt(account.egressProxy);
      this.egress.set(account.id, u);
    }
    return u;
  }
}

function priceKey(model: string, platform: Platform | null): string {
  return `${platform ?? '*'}|${model}`;
}
