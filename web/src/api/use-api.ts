import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type Query } from './client.js';

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

/** Loads a GET route and reloads when its path or query changes; stale answers are dropped. */
export function useApi<T>(path: string | null, query?: Query): Loaded<T> {
  const key = path === null ? null : JSON.stringify([path, query ?? {}]);
  const [state, setState] = useState<{ key: string | null; data: T | null; error: Error | null }>({
    key: null,
    data: null,
    error: null,
  });
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  // A new request exactly when the path or query changes in value (not identity), or on reload.
  const request = useMemo(() => (key === null ? null : { key, reloads }), [key, reloads]);

  useEffect(() => {
    if (request === null) return;
    const [route, params] = JSON.parse(request.key) as [string, Query];
    let live = true;
    api
      .get<T>(route, params)
      .then((data) => {
        if (live) setState({ key: request.key, data, error: null });
      })
      .catch((error: unknown) => {
        if (live)
          setState({
            key: request.key,
            data: null,
            error: error instanceof Error ? error : new Error(String(error)),
          });
      });
    return () => {
      live = false;
    };
  }, [request]);

  // While a new query loads, the last answer stays on screen (paging does not flash empty).
  const current = state.key === key;
  return {
    data: state.data,
    error: current ? state.error : null,
    loading: !current || (state.data === null && state.error === null),
    reload,
  };
}
