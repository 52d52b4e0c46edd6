import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption for upstream credentials at rest. Ciphertexts look like
 * `v1.<keyId>.<iv>.<tag>.<data>` (base64url parts); the key id lets a deployment rotate keys:
 * new writes use the current key, reads pick the key by id.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  constructor(private readonly currentId: string, keys: Record<string, string | Buffer>) {
    for (const [id, k] of Object.entries(keys)) this.keys.set(id, SecretBox.normalizeKey(k));
    if (!this.keys.has(currentId)) throw new Error(`SecretBox: no key with id ${currentId}`);
  }

  /** Accepts 32 raw bytes, 64 hex chars or base64 of 32 bytes; anything else is hashed to 32 bytes. */
  static normalizeKey(k: string | Buffer): Buffer {
    if (Buffer.isBuffer(k)) return k.length === 32 ? k : createHash('sha256').update(k).digest();
    if (/^[0-9a-f]{64}$/i.test(k)) return Buffer.from(k, 'hex');
    const b = Buffer.from(k, 'base64');
    if (b.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(k)) return b;
    return createHash('sha256').update(k).digest();
  }

  /** A short stable id for a key (first 8 hex chars of its SHA-256). */
  static keyId(k: string | Buffer): string {
    return createHash('sha256').update(SecretBox.normalizeKey(k)).digest('hex').slice(0, 8);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', this.currentId, iv.toString('base64url'), c.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  decrypt(box: string): string {
    const [v, id, iv, tag, data] = box.split('.');
    if (v !== 'v1' || !id || !iv || !tag || data === undefined) throw new Error('SecretBox: malformed ciphertext');
    const key = this.keys.get(id);
    if (!key) throw new Error(`SecretBox: unknown key id ${id}`);
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
  }

  /** Encrypts a JSON value (credential objects). */
  encryptJson(v: unknown): string {
    return this.encrypt(JSON.stringify(v));
  }

  decryptJson<T>(box: string): T {
    return JSON.parse(this.decrypt(box)) as T;
  }

  /** Builds a box from one key, its id derived from the key. */
  static fromKey(k: string | Buffer): SecretBox {
    const id = SecretBox.keyId(k);
    return new SecretBox(id, { [id]: k });
  }
}

/** "••••abcd": only that a secret is set and its last four characters. */
export function maskSecret(s: string | undefined | null): string | null {
  if (!s) return null;
  return `••••${s.slice(-4)}`;
}
