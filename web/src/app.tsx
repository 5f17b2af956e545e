import type { ReactNode } from 'react';
import { EmptyState, Loading } from './components/feedback.js';
import { Layout, NAV } from './components/layout.js';
import { AuditPage } from './pages/audit.page.js';
import { BanDetailPage } from './pages/ban-detail.page.js';
import { BansPage } from './pages/bans.page.js';
import { DeviceDetailPage } from './pages/device-detail.page.js';
import { DevicesPage } from './pages/devices.page.js';
import { ExceptionsPage } from './pages/exceptions.page.js';
import { LoginPage } from './pages/login.page.js';
import { OverviewPage } from './pages/overview.page.js';
import { ReportsPage } from './pages/reports.page.js';
import { Link, matchPath, useLocation } from './router.js';
import { SessionProvider, useSession } from './session.js';

interface Route {
  pattern: string;
  permission: string;
  render: (params: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/', permission: 'reports:read', render: () => <OverviewPage /> },
  { pattern: '/bans', permission: 'bans:read', render: () => <BansPage /> },
  { pattern: '/bans/:id', permission: 'bans:read', render: (p) => <BanDetailPage id={p.id ?? ''} /> },
  { pattern: '/devices', permission: 'devices:read', render: () => <DevicesPage /> },
  {
    pattern: '/devices/:id',
    permission: 'devices:read',
    render: (p) => <DeviceDetailPage id={p.id ?? ''} />,
  },
  { pattern: '/exceptions', permission: 'exceptions:read', render: () => <ExceptionsPage /> },
  { pattern: '/audit', permission: 'audit:read', render: () => <AuditPage /> },
  { pattern: '/reports', permission: 'reports:read', render: () => <ReportsPage /> },
];

function Pages() {
  const session = useSession();
  const { path } = useLocation();
  if (session.status === 'loading') {
    return (
      <div className="center">
        <Loading what="your session" />
      </div>
    );
  }
  if (session.status === 'anonymous') return <LoginPage notice={session.notice} />;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path === '/login' ? '/' : path);
    if (!params) continue;
    if (!session.can(route.permission)) return <Layout>{<NotAllowed />}</Layout>;
    return <Layout>{route.render(params)}</Layout>;
  }
  return (
    <Layout>
      <EmptyState title="There is no page at this address.">
        <p>
          Go to the <Link to="/">overview</Link>, or pick a page from the menu.
        </p>
      </EmptyState>
    </Layout>
  );
}

function NotAllowed() {
  const { can } = useSession();
  const first = NAV.find((item) => can(item.permission));
  return (
    <EmptyState title="Your role does not include this page.">
      <p>
        Ask an administrator for access
        {first ? (
          <>
            , or go to <Link to={first.to}>{first.label}</Link>
          </>
        ) : null}
        .
      </p>
    </EmptyState>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Pages />
    </SessionProvider>
  );
}
