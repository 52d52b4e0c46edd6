import { describe, expect, it } from 'vitest';
import { alertUrlProblem, isBlockedAlertAddress } from './alert-address.ts';

describe('alert destination policy', () => {
  it('refuses link-local and cloud metadata addresses, however they are written', () => {
    for (const ip of ['169.254.169.254', '169.254.0.1', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', 'fe80::1', 'FE80::abcd', '100.100.100.200', 'fd00:ec2::254', '0.0.0.0', '::']) {
      expect(isBlockedAlertAddress(ip), ip).toBe(true);
    }
  });

  it('allows loopback, private and public addresses (an operator receiver inside the network is normal)', () => {
    for (const ip of ['127.0.0.1', '::1', '10.0.0.5', '192.168.1.20', '172.16.0.1', '8.8.8.8', '2001:db8::1']) {
      expect(isBlockedAlertAddress(ip), ip).toBe(false);
    }
  });

  it('checks the URL: scheme, credentials, metadata host names and literal addresses', () => {
    expect(alertUrlProblem('https://hooks.slack.com/services/T/B/x')).toBeNull();
    expect(alertUrlProblem('http://127.0.0.1:9000/hook')).toBeNull();
    expect(alertUrlProblem('ftp://example.com/x')).toMatch(/http/);
    expect(alertUrlProblem('not a url')).toMatch(/valid URL/);
    expect(alertUrlProblem('https://user:pw@example.com/')).toMatch(/user name/);
    expect(alertUrlProblem('http://metadata.google.internal/computeMetadata/v1/')).toMatch(/metadata/);
    expect(alertUrlProblem('http://[::ffff:a9fe:a9fe]/latest')).toMatch(/metadata/);
    expect(alertUrlProblem('http://169.254.169.254/latest/meta-data/')).toMatch(/metadata/);
    expect(alertUrlProblem('http://2852039166/latest/meta-data/')).toMatch(/metadata/); // 169.254.169.254 as one number
  });
});
