import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, tender, TenderApiError, type AdminSessionInfo, type AdminUser } from './api.js';
import { ErrorNotice, Loading } from './components/status.js';
import { Link, navigate, useLocation } from './router.js';
import { AccountsPage } from './pages/accounts.js';
import { DashboardPage } from './pages/dashboard.js';
import { ChangePasswordPage, LoginPage } from './pages/login.js';
import { PaymentDetailPage } from './pages/payment-detail.js';
import { PaymentsPage } from './pages/payments.js';
import { RefundRequestsPage } from './pages/refund-requests.js';
import { StatusesPage } from './pages/statuses.js';
import { WebhooksPage } from './pages/webhooks.js';

const NAV: [string, string][] = [
  ['/', 'Dashboard'],
  ['/payments', 'Payments'],
  ['/refund-requests', 'Refund requests'],
  ['/accounts', 'Accounts'],
  ['/statuses', 'Statuses'],
  ['/webhooks', 'Webhooks'],
];

export function App() {
  const [user, setUser] = useState<AdminUser | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    tender.Auth.session().then(
      (s) => setUser(s.user),
      (err) => {
        if (err instanceof TenderApiError && err.statusCode === 401) setUser(null);
        else setError(errorMessage(err));
      },
    );
  }, []);

  const signedIn = useCallback((s: AdminSessionInfo) => setUser(s.user), []);
  const signOut = async () => {
    await tender.Auth.logout().catch(() => undefined);
    setUser(null);
    navigate('/');
  };

  if (error) return <main className="center"><ErrorNotice error={error} /></main>;
  if (user === undefined) return <main className="center"><Loading what="the panel" /></main>;
  if (user === null) return <LoginPage onSignedIn={signedIn} />;
  if (user.mustChangePassword) return <ChangePasswordPage onChanged={signedIn} />;
  return <Shell user={user} onSignOut={() => void signOut()} />;
}

function Shell({ user, onSignOut }: { user: AdminUser; onSignOut: () => void }) {
  const { path, query } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // Move focus to the new page for keyboard and screen-reader users (not on the first load).
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [path]);
  const section = '/' + (path.split('/')[1] ?? '');
  const canWrite = user.role === 'owner';
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Tender admin</span>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <Link to={to} aria-current={section === to ? 'page' : undefined}>{label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{user.email}</span> <span className="badge">{user.role}</span>
          <button type="button" onClick={onSignOut}>Sign out</button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {!canWrite && <p className="note" role="note">You have read-only access (viewer): actions are shown but the server refuses them.</p>}
        <Page path={path} query={query} canWrite={canWrite} />
      </main>
    </>
  );
}

function Page({ path, query, canWrite }: { path: string; query: URLSearchParams; canWrite: boolean }) {
  const detail = /^\/payments\/(\d+)$/.exec(path);
  if (detail) return <PaymentDetailPage id={Number(detail[1])} canWrite={canWrite} />;
  switch (path) {
    case '/':
      return <DashboardPage />;
    case '/payments':
      return <PaymentsPage query={query} canWrite={canWrite} />;
    case '/refund-requests':
      return <RefundRequestsPage canWrite={canWrite} />;
    case '/accounts':
      return <AccountsPage canWrite={canWrite} />;
    case '/statuses':
      return <StatusesPage canWrite={canWrite} />;
    case '/webhooks':
      return <WebhooksPage canWrite={canWrite} />;
    default:
      return <p>Page not found. <Link to="/">Back to the dashboard</Link></p>;
  }
}
