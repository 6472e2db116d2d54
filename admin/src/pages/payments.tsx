import { useEffect, useState } from 'react';
import { errorMessage, tender, type AdminPaymentListItem, type AdminSessionListItem } from '../api.js';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.js';
import { ErrorNotice, Loading, PageTitle, Pager, StatusBadge } from '../components/status.js';
import { formatDateTime, formatMoney } from '../format.js';
import { Link } from '../router.js';
import { EMPTY_FILTERS, FilterForm, PAYMENT_STATUSES, SESSION_STATUSES, SortHeader, toQuery, type Filters, type Sort } from './payment-filters.js';

const LIMIT = 20;

export function PaymentsPage({ query, canWrite }: { query: URLSearchParams; canWrite: boolean }) {
  const [tab, setTab] = useState<'payments' | 'sessions'>(query.get('tab') === 'sessions' ? 'sessions' : 'payments');
  return (
    <>
      <PageTitle>Payments</PageTitle>
      <div role="tablist" aria-label="What to list" className="tabs" onKeyDown={(e) => {
        // The ARIA tabs pattern: arrow keys move between tabs; Tab moves into the panel.
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        const next = tab === 'payments' ? 'sessions' : 'payments';
        setTab(next);
        document.getElementById(`tab-${next}`)?.focus();
      }}>
        <button type="button" role="tab" id="tab-payments" aria-selected={tab === 'payments'} tabIndex={tab === 'payments' ? 0 : -1} aria-controls="panel-list" onClick={() => setTab('payments')}>Payments</button>
        <button type="button" role="tab" id="tab-sessions" aria-selected={tab === 'sessions'} tabIndex={tab === 'sessions' ? 0 : -1} aria-controls="panel-list" onClick={() => setTab('sessions')}>Sessions</button>
      </div>
      <div role="tabpanel" id="panel-list" aria-labelledby={`tab-${tab}`}>
        {tab === 'payments' ? <PaymentsTable /> : <SessionsTable canWrite={canWrite} />}
      </div>
    </>
  );
}

function usePaged<T>(load: (q: ReturnType<typeof toQuery> & { offset: number; limit: number; sort: Sort }) => Promise<{ items: T[]; total: number }>) {
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [sort, setSort] = useState<Sort>('created_desc');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: T[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    setError(null);
    load({ ...toQuery(filters), offset, limit: LIMIT, sort }).then(setPage, (err) => setError(errorMessage(err)));
  }, [filters, sort, offset, reload]); // eslint-disable-line react-hooks/exhaustive-deps
  return {
    filters, sort, offset, page, error,
    apply: (f: Filters) => { setFilters(f); setOffset(0); },
    sortBy: (s: Sort) => { setSort(s); setOffset(0); },
    setOffset,
    refresh: () => setReload((n) => n + 1),
  };
}

function PaymentsTable() {
  const p = usePaged<AdminPaymentListItem>((q) => tender.Admin.listPayments(q));
  return (
    <>
      <FilterForm statuses={PAYMENT_STATUSES} value={p.filters} onApply={p.apply} />
      <ErrorNotice error={p.error} />
      {!p.page ? <Loading what="payments" /> : (
        <>
          <div className="table-wrap">
            <table aria-label="Payments">
              <thead>
                <tr>
                  <th scope="col">Payment</th>
                  <SortHeader label="Created" field="created" sort={p.sort} onSort={p.sortBy} />
                  <th scope="col">Customer</th>
                  <th scope="col">Order</th>
                  <th scope="col">Account</th>
                  <th scope="col">Status</th>
                  <SortHeader label="Amount" field="amount" sort={p.sort} onSort={p.sortBy} />
                </tr>
              </thead>
              <tbody>
                {p.page.items.map((x) => (
                  <tr key={x.id} data-payment-id={x.id}>
                    <td><Link to={`/payments/${x.id}`}>#{x.id}</Link></td>
                    <td>{formatDateTime(x.createdAt)}</td>
                    <td>{x.customerEmail ?? '—'}</td>
                    <td>{x.orderId === null ? '—' : <>#{x.orderId} <StatusBadge status={x.orderStatus ?? 'none'} /></>}</td>
                    <td>{x.accountIdentifier}</td>
                    <td><StatusBadge status={x.status} /></td>
                    <td className="num">{formatMoney(x.amountMinor, x.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {p.page.items.length === 0 && <p>No payments match.</p>}
          <Pager label="Payments" offset={p.offset} limit={LIMIT} total={p.page.total} onChange={p.setOffset} />
        </>
      )}
    </>
  );
}

function SessionsTable({ canWrite }: { canWrite: boolean }) {
  const p = usePaged<AdminSessionListItem>((q) => tender.Admin.listSessions(q));
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const receive = (s: AdminSessionListItem) => setConfirm({
    title: `Mark session #${s.id} as paid`,
    body: <p>Record that <strong>{formatMoney(s.amountMinor ?? 0, s.currency ?? 'USD')}</strong> was received for order #{s.orderId} (cash, bank transfer…).</p>,
    confirmLabel: 'Mark received',
    action: () => tender.Admin.receivePayment(s.id, { note: 'Marked received in the admin panel' }),
  });
  return (
    <>
      <FilterForm statuses={SESSION_STATUSES} value={p.filters} onApply={p.apply} />
      <ErrorNotice error={p.error} />
      {!p.page ? <Loading what="sessions" /> : (
        <>
          <div className="table-wrap">
            <table aria-label="Payment sessions">
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <SortHeader label="Created" field="created" sort={p.sort} onSort={p.sortBy} />
                  <th scope="col">Customer</th>
                  <th scope="col">Order</th>
                  <th scope="col">Account</th>
                  <th scope="col">Status</th>
                  <SortHeader label="Amount" field="amount" sort={p.sort} onSort={p.sortBy} />
                  <th scope="col">Payment</th>
                </tr>
              </thead>
              <tbody>
                {p.page.items.map((s) => (
                  <tr key={s.id} data-session-id={s.id}>
                    <td>#{s.id} <span className="muted">{s.type}</span></td>
                    <td>{formatDateTime(s.createdDate)}</td>
                    <td>{s.customerEmail ?? '—'}</td>
                    <td>#{s.orderId} {s.orderStatus && <StatusBadge status={s.orderStatus} />}</td>
                    <td>{s.accountIdentifier}</td>
                    <td><StatusBadge status={s.status} /></td>
                    <td className="num">{s.amountMinor !== undefined && s.currency ? formatMoney(s.amountMinor, s.currency) : '—'}</td>
                    <td>
                      {s.paymentId ? <Link to={`/payments/${s.paymentId}`}>#{s.paymentId}</Link>
                        : s.status === 'waiting' && s.accountType === 'custom'
                          ? <button type="button" onClick={() => receive(s)} aria-label={`Mark session ${s.id} received`}>Mark received</button>
                          : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {p.page.items.length === 0 && <p>No sessions match.</p>}
          <Pager label="Sessions" offset={p.offset} limit={LIMIT} total={p.page.total} onChange={p.setOffset} />
        </>
      )}
      <ConfirmDialog request={confirm} onDone={(ok) => { setConfirm(null); if (ok) p.refresh(); }} />
    </>
  );
}
