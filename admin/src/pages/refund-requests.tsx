import { useCallback, useEffect, useState } from 'react';
import { errorMessage, tender, type AdminRefundRequestsPage } from '../api.js';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.js';
import { ErrorNotice, Loading, PageTitle, Pager, StatusBadge } from '../components/status.js';
import { formatDateTime, formatMoney, minorToDecimal, parseAmount } from '../format.js';

type Item = AdminRefundRequestsPage['items'][number];
type Status = 'pending' | 'approved' | 'rejected' | 'canceled' | '';
const LIMIT = 20;

export function RefundRequestsPage(_: { canWrite: boolean }) {
  const [status, setStatus] = useState<Status>('pending');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<AdminRefundRequestsPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useCallback(() => {
    tender.Admin.listRefundRequests({ status: status || undefined, offset, limit: LIMIT }).then(setPage, (err) => setError(errorMessage(err)));
  }, [status, offset]);
  useEffect(load, [load]);

  return (
    <>
      <PageTitle actions={
        <label>Show
          <select value={status} onChange={(e) => { setStatus(e.target.value as Status); setOffset(0); }}>
            <option value="pending">Pending</option>
            <option value="approved">Approved</option>
            <option value="rejected">Rejected</option>
            <option value="canceled">Canceled</option>
            <option value="">All</option>
          </select>
        </label>
      }>Refund requests</PageTitle>
      {done && <p role="status" className="ok">{done}</p>}
      <ErrorNotice error={error} />
      {!page ? <Loading what="refund requests" /> : page.items.length === 0 ? <p>No refund requests here.</p> : (
        <ul className="cards">
          {page.items.map((r) => (
            <RequestCard key={r.id} r={r} onDecide={(req) => { setDone(null); setConfirm(req); }} />
          ))}
        </ul>
      )}
      {page && <Pager label="Refund requests" offset={offset} limit={LIMIT} total={page.total} onChange={setOffset} />}
      <ConfirmDialog request={confirm} onDone={(ok) => { const t = confirm?.title; setConfirm(null); if (ok) { setDone(`${t}: done.`); load(); } }} />
    </>
  );
}

function RequestCard({ r, onDecide }: { r: Item; onDecide: (req: ConfirmRequest) => void }) {
  const [amount, setAmount] = useState(minorToDecimal(r.amountMinor, r.currency));
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const max = BigInt(r.amountMinor);
  const approve = () => {
    const minor = parseAmount(amount, r.currency);
    if (minor === undefined || minor <= 0n || minor > max) return setError(`Enter an amount up to ${formatMoney(max, r.currency)}`);
    setError(null);
    onDecide({
      title: `Approve refund request #${r.id}`,
      body: <p>Refund <strong data-field="confirm-amount">{formatMoney(minor, r.currency)}</strong>{minor < max ? ` of the ${formatMoney(max, r.currency)} requested` : ''} to {r.userIdentifier} for order #{r.orderId}?</p>,
      confirmLabel: `Approve and refund ${formatMoney(minor, r.currency)}`,
      action: () => tender.Admin.approveRefundRequest(r.id, { amount: minorToDecimal(minor, r.currency), ...(note.trim() ? { note: note.trim() } : {}) }),
    });
  };
  const reject = () => {
    if (!note.trim()) return setError('A rejection needs a note for the customer');
    setError(null);
    onDecide({
      title: `Reject refund request #${r.id}`,
      body: <p>Reject the request for <strong>{formatMoney(max, r.currency)}</strong> from {r.userIdentifier} with the note “{note.trim()}”?</p>,
      confirmLabel: 'Reject the request',
      danger: true,
      action: () => tender.Admin.rejectRefundRequest(r.id, note.trim()),
    });
  };
  const p = `rr-${r.id}`;
  return (
    <li className="card" data-request-id={r.id} aria-labelledby={`${p}-title`}>
      <h2 id={`${p}-title`}>Request #{r.id} · order #{r.orderId} <StatusBadge status={r.status} /></h2>
      <dl className="facts">
        <dt>Customer</dt><dd>{r.userIdentifier}</dd>
        <dt>Requested</dt><dd>{formatMoney(r.amountMinor, r.currency)}</dd>
        <dt>When</dt><dd>{formatDateTime(r.createdDate)}</dd>
        <dt>Customer's note</dt><dd>{r.note || '—'}</dd>
        {r.merchantNote && <><dt>Our note</dt><dd>{r.merchantNote}</dd></>}
      </dl>
      {r.status === 'pending' && (
        <div className="inline-form">
          <label htmlFor={`${p}-amount`}>Amount to refund ({r.currency})</label>
          <input id={`${p}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
          <label htmlFor={`${p}-note`}>Note</label>
          <input id={`${p}-note`} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          {error && <p role="alert" className="error">{error}</p>}
          <div className="actions">
            <button type="button" className="primary" onClick={approve}>Approve…</button>
            <button type="button" className="danger" onClick={reject}>Reject…</button>
          </div>
        </div>
      )}
    </li>
  );
}
