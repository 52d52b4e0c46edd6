// A tiny hash router (no dependency): routes are `#/path?query`. Hash routing keeps deep links
// working whatever the static server does with unknown paths.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export interface Location {
  /** Path without the leading '#', always starting with '/'. */
  path: string;
  query: URLSearchParams;
}

/** Parses `#/accounts?tab=all` into a Location. */
export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  const path = ('/' + pathPart.replace(/^\/+/, '')).replace(/\/+$/, '') || '/';
  return { path, query: new URLSearchParams(queryPart) };
}

/** Builds the hash for a path and optional query values (empty values are dropped). */
export function buildHash(path: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, v);
  const qs = params.toString();
  return '#' + path + (qs ? '?' + qs : '');
}

interface RouterValue {
  location: Location;
  navigate(path: string, query?: Record<string, string | undefined>): void;
}

const RouterContext = createContext<RouterValue | null>(null);

/** Keeps the current hash location in state and re-renders on hashchange. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState<Location>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((path: string, query?: Record<string, string | undefined>) => {
    const next = buildHash(path, query);
    if (window.location.hash !== next) window.location.hash = next;
    else setLocation(parseHash(next));
  }, []);
  const value = useMemo(() => ({ location, navigate }), [location, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

/** The router context; throws when used outside <RouterProvider>. */
export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside RouterProvider');
  return value;
}

/** An anchor for an in-app path. */
export function Link({ to, children, className, testId }: { to: string; children: ReactNode; className?: string; testId?: string }) {
  return (
    <a href={'#' + to} className={className} data-testid={testId}>
      {children}
    </a>
  );
}
