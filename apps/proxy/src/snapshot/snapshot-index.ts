import {
  boundAccountIds, dearestPrice, maxOutputTokensOf, SecretBox, type AccountCredentials, type ConfigSnapshot, type ModelPrice, type Platform, type SnapshotAccount,
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
  /**
   * Per model, the dearest of its prices on any platform and of the models accounts map it to,
   * component by component: the up-front estimate, made before the serving account is known.
   */
  private readonly anyPriceByModel = new Map<string, ModelPrice>();
  /** Per model, the largest output any price entry (or mapped model) allows: what a request without a maximum reserves. */
  private readonly maxOutputByModel = new Map<string, number>();
  private readonly credentials = new Map<string, AccountCredentials>();
  private readonly egress = new Map<string, string | null>();
  /** Per key id, the accounts its binding allows (null = every account), resolved on first use. */
  private readonly bindings = new Map<string, ReadonlySet<string> | null>();

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
      this.widen(p.model, p.price, p.maxOutputTokens ?? maxOutputTokensOf(p.model, p.platform));
    }
    // An alias is served as whatever an account maps it to and billed at that model's price (an alias
    // without a price of its own is servable too), so its estimate covers every mapped target.
    const own = new Map(this.anyPriceByModel);
    const ownMax = new Map(this.maxOutputByModel);
    for (const a of snapshot.accounts) {
      for (const [alias, target] of Object.entries(a.modelMapping ?? {})) {
        const targetPrice = own.get(target) ?? snapshot.defaultPrice;
        if (targetPrice) this.widen(alias, targetPrice, ownMax.get(target) ?? maxOutputTokensOf(target, a.platform));
      }
    }
    // A model priced for some platforms only is billed at the default price on the others.
    const { defaultPrice } = snapshot;
    if (defaultPrice) {
      for (const model of this.anyPriceByModel.keys()) {
        if (!this.prices.has(priceKey(model, null))) this.widen(model, defaultPrice, 0);
      }
    }
  }

  private widen(model: string, price: ModelPrice, maxOutput: number): void {
    const had = this.anyPriceByModel.get(model);
    this.anyPriceByModel.set(model, had ? dearestPrice(had, price) : price);
    this.maxOutputByModel.set(model, Math.max(this.maxOutputByModel.get(model) ?? 0, maxOutput));
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

  /**
   * The largest output the model may produce when the request sets no maximum: its catalog figure,
   * else the largest platform fallback (a model priced only by the default price may be served anywhere).
   */
  maxOutputTokens(model: string): number {
    return this.maxOutputByModel.get(model) ?? maxOutputTokensOf(model, null);
  }

  /** Whether any price (any platform, or the default) covers the model. */
  hasAnyPrice(model: string): boolean {
    return this.snapshot.defaultPrice !== null || this.anyPriceByModel.has(model);
  }

  /** Models that have a price of their own (for model lists). */
  pricedModels(): string[] {
    return [...this.anyPriceByModel.keys()];
  }

  /**
   * The accounts that may serve a key: its own binding, else its owner's default binding; null when
   * neither is bound. Resolved once per key and version.
   */
  boundAccounts(key: SnapshotKey): ReadonlySet<string> | null {
    let bound = this.bindings.get(key.id);
    if (bound === undefined) {
      bound = boundAccountIds(this.snapshot, key);
      this.bindings.set(key.id, bound);
    }
    return bound;
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
