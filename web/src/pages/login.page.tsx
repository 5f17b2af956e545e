import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api/client.js';
import { navigate, useLocation, useTitle } from '../router.js';
import { useSession } from '../session.js';

export function LoginPage({ notice }: { notice: string | null }) {
  useTitle('Sign in');
  const { login } = useSession();
  const { path } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      if (path === '/login') navigate('/', { replace: true });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) {
        setError('The username or password is not right.');
      } else if (caught instanceof ApiError && caught.code === 'RATE_LIMITED') {
        setError('Too many attempts from this address. Wait a minute and try again.');
      } else {
        setError(caught instanceof Error ? caught.message : 'Sign-in failed.');
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <div className="login-card">
        <p className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ⊘
          </span>
          appban
        </p>
        <h1>Sign in</h1>
        <p className="muted">Compliance with app bans on the organisation's devices.</p>
        {notice && !error ? (
          <p className="alert alert-info" role="status">
            {notice}
          </p>
        ) : null}
        {error ? (
          <p className="alert alert-error" role="alert" id={errorId}>
            {error}
          </p>
        ) : null}
        <form onSubmit={submit} className="form">
          <div className="field">
            <label htmlFor="login-username">Username</label>
            <input
              id="login-username"
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-describedby={error ? errorId : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Password</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={error ? errorId : undefined}
            />
          </div>
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="muted small">
          Accounts are made by an administrator with <code>appban users add</code>.
        </p>
      </div>
    </main>
  );
}
