import { describe, expect, it } from 'vitest';
import { buildHash, parseHash } from './router.tsx';
import { matchRoute, routesFor } from './routes.tsx';

describe('hash router', () => {
  it('parses paths and queries and builds them back', () => {
    const loc = parseHash('#/api-keys?tab=all');
    expect(loc.path).toBe('/api-keys');
    expect(loc.query.get('tab')).toBe('all');
    expect(parseHash('').path).toBe('/');
    expect(parseHash('#//users/').path).toBe('/users');
    expect(buildHash('/usage', { from: '2024-01-01', to: undefined })).toBe('#/usage?from=2024-01-01');
  });

  it('shows a USER only their own pages and refuses admin paths', () => {
    const userMenu = routesFor(false).map((r) => r.id);
    expect(userMenu).toEqual(['dashboard', 'api-keys', 'usage', 'live-logs', 'settings']);
    for (const path of ['/accounts', '/users', '/pricing', '/alerts', '/proxy-test', '/audit']) expect(matchRoute(path, false)).toBeUndefined();
    expect(matchRoute('/users', true)?.id).toBe('users');
    expect(routesFor(true)).toHaveLength(11);
  });
});
