// The signed-in shell: sidebar menu (a drawer on phones), header with language switch and the
// user's menu, and the page area.
import { useEffect, useState, type ReactNode } from 'react';
import { useAuth } from './AuthProvider.tsx';
import { useRouter } from './router.tsx';
import { routesFor } from './routes.tsx';
import { LOCALES, useI18n, type Locale } from '../i18n/I18nProvider.tsx';
import { Badge } from '../ui/Badge.tsx';

export function Icon({ d, size = 18 }: { d: string; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={d} />
    </svg>
  );
}

/** EN / 中文 toggle persisted in localStorage. */
export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="locale-switch" role="group" aria-label={t('header.language')}>
      {LOCALES.map((l: Locale) => (
        <button key={l} type="button" className={l === locale ? 'active' : ''} data-testid={`locale-${l}`} onClick={() => setLocale(l)}>
          {l === 'en' ? 'EN' : '中文'}
        </button>
      ))}
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, isAdmin, signOut } = useAuth();
  const { location } = useRouter();
  const { t } = useI18n();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.path]);

  return (
    <div className={`shell${menuOpen ? ' shell-menu-open' : ''}`}>
      <aside className="sidebar" data-testid="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            R
          </span>
          <span>{t('app.name')}</span>
        </div>
        <nav className="menu" aria-label={t('header.menu')}>
          {routesFor(isAdmin).map((r) => (
            <a key={r.id} href={'#' + r.path} data-testid={`menu-${r.id}`} className={`menu-item${location.path === r.path ? ' active' : ''}`} aria-current={location.path === r.path ? 'page' : undefined}>
              <Icon d={r.icon} />
              <span>{t(r.label)}</span>
            </a>
          ))}
        </nav>
        <div className="sidebar-footer">
          <div className="sidebar-user">
            <span className="avatar" aria-hidden>
              {user?.username.slice(0, 1).toUpperCase()}
            </span>
            <div>
              <div className="sidebar-username" data-testid="current-user">
                {user?.username}
              </div>
              <Badge tone={isAdmin ? 'info' : 'neutral'}>{isAdmin ? t('role.ADMIN') : t('role.USER')}</Badge>
            </div>
          </div>
        </div>
      </aside>
      <div className="scrim" onClick={() => setMenuOpen(false)} aria-hidden />
      <div className="main">
        <header className="topbar">
          <button type="button" className="menu-toggle" aria-label={t('header.menu')} data-testid="menu-toggle" onClick={() => setMenuOpen((v) => !v)}>
            <Icon d="M3 6h18M3 12h18M3 18h18" />
          </button>
          <span className="topbar-brand" aria-hidden>
            <span className="brand-mark">R</span>
            {t('app.name')}
          </span>
          <div className="topbar-spacer" />
          <LocaleSwitch />
          <button type="button" className="btn btn-ghost btn-sm" data-testid="logout" onClick={() => void signOut()}>
            {t('header.logout')}
          </button>
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
