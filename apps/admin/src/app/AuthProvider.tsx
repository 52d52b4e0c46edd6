// Session state: the bearer token lives in localStorage (so a reload stays signed in), the user
// comes from `me`. A new urql client is made per token so no cached data leaks across sessions.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { createGraphqlClient, isUnauthenticated } from './graphql-client.ts';
import { ME_QUERY } from '../graphql/queries/me.ts';
import { LOGOUT_MUTATION } from '../graphql/mutations/logout.ts';
import type { User } from '../graphql/fragments/user-fields.ts';

const TOKEN_KEY = 'relay.token';

/** The signed-in session's bearer token, for requests outside GraphQL (CSV downloads). */
export function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {}
}

/** 'checking' while `me` is loading for a stored token. */
export type AuthStatus = 'checking' | 'signed-in' | 'signed-out';

interface AuthValue {
  status: AuthStatus;
  user: User | null;
  isAdmin: boolean;
  /** Stores a fresh session (from the login mutation). */
  signIn(token: string, user: User): void;
  /** Revokes the session server-side (best effort) and forgets it locally. */
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

/** Owns the token, the current user and the urql client built for that token. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<AuthStatus>(token ? 'checking' : 'signed-out');

  const forget = useCallback(() => {
    writeToken(null);
    setToken(null);
    setUser(null);
    setStatus('signed-out');
  }, []);

  const { client, dispose } = useMemo(() => createGraphqlClient(token, forget), [token, forget]);
  useEffect(() => dispose, [dispose]);

  // A stored token is verified once with `me`; an expired one sends the user to the login page.
  useEffect(() => {
    if (!token || status !== 'checking') return;
    let cancelled = false;
    client
      .query(ME_QUERY, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        const me = result.data?.me as User | undefined;
        if (me) {
          setUser(me);
          setStatus('signed-in');
        } else if (isUnauthenticated(result.error) || !result.error) {
          forget();
        } else {
          // Network trouble: keep the token, let the user retry by reloading.
          setStatus('signed-out');
        }
      });
    return () => {
      cancelled = true;
    };
  }, [client, token, status, forget]);

  const signIn = useCallback((nextToken: string, nextUser: User) => {
    writeToken(nextToken);
    setToken(nextToken);
    setUser(nextUser);
    setStatus('signed-in');
  }, []);

  const signOut = useCallback(async () => {
    await client.mutation(LOGOUT_MUTATION, {}).toPromise().catch(() => undefined);
    forget();
  }, [client, forget]);

  const value = useMemo<AuthValue>(
    () => ({ status, user, isAdmin: user?.role === 'ADMIN', signIn, signOut }),
    [status, user, signIn, signOut],
  );
  return (
    <AuthContext.Provider value={value}>
      <UrqlProvider value={client}>{children}</UrqlProvider>
    </AuthContext.Provider>
  );
}

/** The auth context; throws when used outside <AuthProvider>. */
export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
