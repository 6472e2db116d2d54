import { useEffect, useState, type ReactNode } from 'react';
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

interface Column<T> {
  label: string;
  /** A sortable column names its sort field. */
  sort?: 'created' | 'amount';
  num?: boolean;
  cell: (row: T) => ReactNode;
}

/** The filter form, table, empty note and pager every list on this page shares. */
function PagedTable<T extends { id: number }>({ what, noun, statuses, paged: p, columns, rowAttr }: {
  /** The table's accessible name. */
  what: string;
  /** What a row is, in the plural (loading and empty notes, the pager). */
  noun: string;
  statuses: string[];
  paged: ReturnType<typeof usePaged<T>>;
  columns: Column<T>[];
  rowAttr: string;
}) {
  return (
    <>
      <FilterForm statuses={statuses} value={p.filters} onApply={p.apply} />
      <ErrorNotice error={p.error} />
      {!p.page ? <Loading what={noun} /> : (
        <>
          <div className="table-wrap">
            <table aria-label={what}>
              <thead>
                <tr>
                  {columns.map((c) => c.sort
                    ? <SortHeader key={c.label} label={c.label} field={c.sort} sort={p.sort} onSort={p.sortBy} />
                    : <th key={c.label} scope="col">{c.label}</th>)}
                </tr>
              </thead>
              <tbody>
                {p.page.items.map((x) => (
                  <tr key={x.id} {...{ [rowAttr]: x.id }}>
                    {columns.map((c) => <td key={c.label} className={c.num ? 'num' : undefined}>{c.cell(x)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {p.page.items.length === 0 && <p>No {noun} match.</p>}
          <Pager label={noun[0]!.toUpperCase() + noun.slice(1)} offset={p.offset} limit={LIMIT} total={p.page.total} onChange={p.setOffset} />
        </>
      )}
    </>
  );
}

function PaymentsTable() {
  const p = usePaged<AdminPaymentListItem>((q) => tender.Admin.listPayments(q));
  return (
    <PagedTable what="Payments" noun="payments" statuses={PAYMENT_STATUSES} paged={p} rowAttr="data-payment-id" columns={[
      { label: 'Payment', cell: (x) => <Link to={`/payments/${x.id}`}>#{x.id}</Link> },
      { label: 'Created', sort: 'created', cell: (x) => formatDateTime(x.createdAt) },
      { label: 'Customer', cell: (x) => x.customerEmail ?? '—' },
      { label: 'Order', cell: (x) => x.orderId === null ? '—' : <>#{x.orderId} <StatusBadge status={x.orderStatus ?? 'none'} /></> },
      { label: 'Account', cell: (x) => x.accountIdentifier },
      { label: 'Status', cell: (x) => <StatusBadge status={x.status} /> },
      { label: 'Amount', sort: 'amount', num: true, cell: (x) => formatMoney(x.amountMinor, x.currency) },
    ]} />
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
      <PagedTable what="Payment sessions" noun="sessions" statuses={SESSION_STATUSES} paged={p} rowAttr="data-session-id" columns={[
        { label: 'Session', cell: (s) => <>#{s.id} <span className="muted">{s.type}</span></> },
        { label: 'Created', sort: 'created', cell: (s) => formatDateTime(s.createdDate) },
        { label: 'Customer', cell: (s) => s.customerEmail ?? '—' },
        { label: 'Order', cell: (s) => <>#{s.orderId} {s.orderStatus && <StatusBadge status={s.orderStatus} />}</> },
        { label: 'Account', cell: (s) => s.accountIdentifier },
        { label: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
        { label: 'Amount', sort: 'amount', num: true, cell: (s) => s.amountMinor !== undefined && s.currency ? formatMoney(s.amountMinor, s.currency) : '—' },
        { label: 'Payment', cell: (s) => s.paymentId ? <Link to={`/payments/${s.paymentId}`}>#{s.paymentId}</Link>
          : s.status === 'waiting' && s.accountType === 'custom' && canWrite
            ? <button type="button" onClick={() => receive(s)} aria-label={`Mark session ${s.id} received`}>Mark received</button>
            : '—' },
      ]} />
      <ConfirmDialog request={confirm} onDone={(ok) => { setConfirm(null); if (ok) p.refresh(); }} />
    </>
  );
}
