import { type ReactNode, useEffect, useRef } from 'react';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';

interface NavItem {
  to: string;
  label: string;
  permission: string;
}

export const NAV: NavItem[] = [
  { to: '/', label: 'Overview', permission: 'reports:read' },
  { to: '/bans', label: 'Bans', permission: 'bans:read' },
  { to: '/devices', label: 'Devices', permission: 'devices:read' },
  { to: '/exceptions', label: 'Exceptions', permission: 'exceptions:read' },
  { to: '/audit', label: 'Audit', permission: 'audit:read' },
  { to: '/reports', label: 'Reports', permission: 'reports:read' },
];

function isCurrent(item: NavItem, path: string): boolean {
  return item.to === '/' ? path === '/' : path === item.to || path.startsWith(`${item.to}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const { me, can, logout } = useSession();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const focusedFor = useRef(path);

  // After client-side navigation, move focus to the new page so screen readers announce it.
  useEffect(() => {
    if (focusedFor.current === path) return;
    focusedFor.current = path;
    main.current?.focus({ preventScroll: true });
  }, [path]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ⊘
          </span>
          appban
          <span className="brand-sub">App ban compliance</span>
        </Link>
        {me ? (
          <div className="user">
            <span>
              Signed in as <strong>{me.user.username}</strong>{' '}
              <span className="role" title="Your role decides what you may change">
                {me.user.role}
              </span>
            </span>
            <button type="button" className="button button-quiet" onClick={() => void logout()}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {NAV.filter((item) => can(item.permission)).map((item) => (
            <li key={item.to}>
              <Link to={item.to} aria-current={isCurrent(item, path) ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1} className="main">
        {children}
      </main>
    </div>
  );
}
