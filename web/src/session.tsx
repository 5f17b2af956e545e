import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, request, setCsrfToken, setUnauthorizedHandler } from './api/client.js';
import type { Me } from './api/types.js';

export interface Session {
  me: Me;
  can: (permission: string) => boolean;
  logout: () => Promise<void>;
}

interface SessionState {
  status: 'loading' | 'anonymous' | 'signed-in';
  me: Me | null;
  /** Why the session ended, when it ended on its own. */
  notice: string | null;
}

interface SessionApi extends SessionState {
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  can: (permission: string) => boolean;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading', me: null, notice: null });

  const accept = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken ?? null);
    setState({ status: 'signed-in', me, notice: null });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setState({ status: 'anonymous', me: null, notice: 'Your session has ended. Sign in again.' });
    });
    request<Me>('/api/v1/auth/me', { quiet401: true })
      .then(accept)
      .catch(() => setState({ status: 'anonymous', me: null, notice: null }));
    return () => setUnauthorizedHandler(null);
  }, [accept]);

  const login = useCallback(
    async (username: string, password: string) => {
      const me = await request<Me>('/api/v1/auth/login', {
        method: 'POST',
        json: { username, password },
        quiet401: true,
      });
      accept(me);
    },
    [accept],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    setCsrfToken(null);
    setState({ status: 'anonymous', me: null, notice: 'You are signed out.' });
  }, []);

  const value = useMemo<SessionApi>(() => {
    const permissions = new Set(state.me?.permissions ?? []);
    const can = (permission: string) => permissions.has(permission) || permissions.has('*');
    return { ...state, login, logout, can };
  }, [state, login, logout]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
