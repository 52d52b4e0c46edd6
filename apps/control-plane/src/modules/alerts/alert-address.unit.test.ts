import { describe, expect, it } from 'vitest';
import { alertUrlProblem } from './alert-address.ts';

const strict = { allowPrivate: false };
const lan = { allowPrivate: true };

describe('alert destination policy (the upstream address policy)', () => {
  it('refuses link-local and cloud metadata addresses however they are written, even with UPSTREAM_ALLOW_PRIVATE', () => {
    for (const policy of [strict, lan]) {
      for (const url of [
        'http://169.254.169.254/latest/meta-data/', 'http://169.254.0.1/', 'http://[::ffff:169.254.169.254]/', 'http://[::ffff:a9fe:a9fe]/latest',
        'http://[fe80::1]/', 'http://[FE80::abcd]/', 'http://100.100.100.200/', 'http://[fd00:ec2::254]/', 'http://metadata.google.internal/computeMetadata/v1/',
        'http://2852039166/latest/meta-data/', // 169.254.169.254 as one number
      ]) {
        expect(alertUrlProblem(url, policy), url).toMatch(/metadata/);
      }
    }
  });

  it('refuses loopback and private receivers unless UPSTREAM_ALLOW_PRIVATE=true, and allows them with it', () => {
    for (const url of ['http://127.0.0.1:9000/hook', 'http://[::1]/', 'http://10.0.0.5/', 'http://192.168.1.20/', 'http://172.16.0.1/', 'http://localhost:8080/']) {
      expect(alertUrlProblem(url, strict), url).toMatch(/UPSTREAM_ALLOW_PRIVATE/);
      expect(alertUrlProblem(url, lan), url).toBeNull();
    }
  });

  it('checks the URL: scheme and credentials; public destinations pass', () => {
    expect(alertUrlProblem('https://hooks.slack.com/services/T/B/x', strict)).toBeNull();
    expect(alertUrlProblem('http://8.8.8.8/x', strict)).toBeNull();
    expect(alertUrlProblem('ftp://example.com/x', strict)).toMatch(/http/);
    expect(alertUrlProblem('not a url', strict)).toMatch(/valid URL/);
    expect(alertUrlProblem('https://user:pw@example.com/', strict)).toMatch(/user name/);
  });
});
