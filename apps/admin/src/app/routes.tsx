// The page table: path, menu label, icon and who may see it. The menu and the router both read
// it, so a USER never sees (or reaches) an admin page.
import type { ComponentType } from 'react';
import type { MessageKey } from '../i18n/en.ts';
import { DashboardPage } from '../pages/dashboard/DashboardPage.tsx';
import { AccountsPage } from '../pages/accounts/AccountsPage.tsx';
import { ApiKeysPage } from '../pages/api-keys/ApiKeysPage.tsx';
import { UsersPage } from '../pages/users/UsersPage.tsx';
import { PricingPage } from '../pages/pricing/PricingPage.tsx';
import { AlertsPage } from '../pages/alerts/AlertsPage.tsx';
import { UsagePage } from '../pages/usage/UsagePage.tsx';
import { LiveLogsPage } from '../pages/live-logs/LiveLogsPage.tsx';
import { ProxyTestPage } from '../pages/proxy-test/ProxyTestPage.tsx';
import { AuditPage } from '../pages/audit/AuditPage.tsx';
import { SettingsPage } from '../pages/settings/SettingsPage.tsx';

export interface RouteDef {
  path: string;
  /** Menu id, used for data-testid="menu-<id>". */
  id: string;
  label: MessageKey;
  icon: string;
  adminOnly: boolean;
  component: ComponentType;
}

// Icon paths (24×24, stroke) kept inline to avoid an icon dependency.
const ICONS = {
  dashboard: 'M3 13h8V3H3zM13 21h8V11h-8zM3 21h8v-6H3zM13 3v6h8V3z',
  key: 'M15 7a4 4 0 11-3.9 4.9L3 20v-3h3v-3h3l2.1-2.1A4 4 0 0115 7z',
  usage: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  accounts: 'M4 6h16v4H4zM4 14h16v4H4zM8 8h.01M8 16h.01',
  users: 'M16 19v-1a4 4 0 00-4-4H6a4 4 0 00-4 4v1M9 10a3 3 0 100-6 3 3 0 000 6zM22 19v-1a4 4 0 00-3-3.9M16 4.1a3 3 0 010 5.8',
  pricing: 'M20.6 13.4l-7.2 7.2a2 2 0 01-2.8 0L3 13V3h10l7.6 7.6a2 2 0 010 2.8zM7.5 7.5h.01',
  live: 'M22 12h-4l-3 9L9 3l-3 9H2',
  alerts: 'M18 8a6 6 0 10-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 01-3.4 0',
  test: 'M9 3h6M10 3v6L4 20h16L14 9V3',
  audit: 'M9 5H7a2 2 0 00-2 2v12a2 2 0 002 2h10a2 2 0 002-2V7a2 2 0 00-2-2h-2M9 5a2 2 0 002 2h2a2 2 0 002-2 2 2 0 00-2-2h-2a2 2 0 00-2 2zM9 13h6M9 17h4',
  settings: 'M12 15a3 3 0 100-6 3 3 0 000 6zM19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-1.8-.3 1.7 1.7 0 00-1 1.5V21a2 2 0 01-4 0v-.1a1.7 1.7 0 00-1.1-1.5 1.7 1.7 0 00-1.8.3l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00.3-1.8 1.7 1.7 0 00-1.5-1H3a2 2 0 010-4h.1a1.7 1.7 0 001.5-1.1 1.7 1.7 0 00-.3-1.8l-.1-.1a2 2 0 112.8-2.8l.1.1a1.7 1.7 0 001.8.3H9a1.7 1.7 0 001-1.5V3a2 2 0 014 0v.1a1.7 1.7 0 001 1.5 1.7 1.7 0 001.8-.3l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 00-.3 1.8V9a1.7 1.7 0 001.5 1H21a2 2 0 010 4h-.1a1.7 1.7 0 00-1.5 1z',
} as const;

export const ROUTES: readonly RouteDef[] = [
  { path: '/', id: 'dashboard', label: 'nav.dashboard', icon: ICONS.dashboard, adminOnly: false, component: DashboardPage },
  { path: '/api-keys', id: 'api-keys', label: 'nav.apiKeys', icon: ICONS.key, adminOnly: false, component: ApiKeysPage },
  { path: '/usage', id: 'usage', label: 'nav.usage', icon: ICONS.usage, adminOnly: false, component: UsagePage },
  { path: '/live-logs', id: 'live-logs', label: 'nav.liveLogs', icon: ICONS.live, adminOnly: false, component: LiveLogsPage },
  { path: '/accounts', id: 'accounts', label: 'nav.accounts', icon: ICONS.accounts, adminOnly: true, component: AccountsPage },
  { path: '/users', id: 'users', label: 'nav.users', icon: ICONS.users, adminOnly: true, component: UsersPage },
  { path: '/pricing', id: 'pricing', label: 'nav.pricing', icon: ICONS.pricing, adminOnly: true, component: PricingPage },
  { path: '/alerts', id: 'alerts', label: 'nav.alerts', icon: ICONS.alerts, adminOnly: true, component: AlertsPage },
  { path: '/proxy-test', id: 'proxy-test', label: 'nav.proxyTest', icon: ICONS.test, adminOnly: true, component: ProxyTestPage },
  { path: '/audit', id: 'audit', label: 'nav.audit', icon: ICONS.audit, adminOnly: true, component: AuditPage },
  { path: '/settings', id: 'settings', label: 'nav.settings', icon: ICONS.settings, adminOnly: false, component: SettingsPage },
];

/** Routes a user with this role may open, in menu order. */
export function routesFor(isAdmin: boolean): RouteDef[] {
  return ROUTES.filter((r) => isAdmin || !r.adminOnly);
}

/** The route for a path, or undefined (unknown path or not allowed for the role). */
export function matchRoute(path: string, isAdmin: boolean): RouteDef | undefined {
  return routesFor(isAdmin).find((r) => r.path === path);
}
