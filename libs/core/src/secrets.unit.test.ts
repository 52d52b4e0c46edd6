import { describe, expect, it } from 'vitest';
import { SecretBox, maskSecret } from './secret-box.ts';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey, hashesEqual } from './api-key.ts';

describe('SecretBox', () => {
  it('round-trips and never contains the plaintext', () => {
    const box = SecretBox.fromKey('a'.repeat(64));
    const c = box.encrypt('sk-ant-secret-value');
    expect(c).not.toContain('sk-ant');
    expect(box.decrypt(c)).toBe('sk-ant-secret-value');
  });

  it('rejects tampering and decrypts old ciphertexts after rotation', () => {
    const oldKey = 'b'.repeat(64);
    const oldBox = SecretBox.fromKey(oldKey);
    const c = oldBox.encryptJson({ apiKey: 'x' });
    const parts = c.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => oldBox.decrypt(parts.join('.'))).toThrow();
    const newKey = 'c'.repeat(64);
    const rotated = new SecretBox(SecretBox.keyId(newKey), { [SecretBox.keyId(newKey)]: newKey, [SecretBox.keyId(oldKey)]: oldKey });
    expect(rotated.decryptJson(c)).toEqual({ apiKey: 'x' });
    expect(rotated.encrypt('y').split('.')[1]).toBe(SecretBox.keyId(newKey));
  });

  it('masks to the last four characters', () => {
    expect(maskSecret('sk-abcdef1234')).toBe('••••1234');
    expect(maskSecret('')).toBeNull();
  });
});

describe('API keys', () => {
  it('are random, hashed with the server secret, shown by prefix only', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^sk-relay-[0-9A-Za-z]{40}$/);
    const h = hashApiKey(a, 'server-secret');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(a, 'other-secret')).not.toBe(h);
    expect(hashesEqual(h, hashApiKey(a, 'server-secret'))).toBe(true);
    expect(apiKeyDisplayPrefix(a)).toBe(a.slice(0, 13));
  });
});
