import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { errorMessage, tender, type HistoryEntry, type Payment } from '../api.js';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.js';
import { ErrorNotice, Loading, PageTitle, StatusBadge } from '../components/status.js';
import { formatDateTime, formatMoney, minorToDecimal, parseAmount, words } from '../format.js';
import { Link } from '../router.js';

export function PaymentDetailPage({ id }: { id: number; canWrite: boolean }) {
  const [payment, setPayment] = useState<Payment | null>(null);
  const [history, setHistory] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const p = await tender.Admin.getPayment(id);
      setPayment(p);
      setHistory(p.orderId !== null ? await tender.Admin.getOrderHistory(p.orderId) : await tender.Admin.getPaymentHistory(id));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [id]);
  useEffect(() => void load(), [load]);

  if (error && !payment) return <ErrorNotice error={error} />;
  if (!payment) return <Loading what={`payment #${id}`} />;
  const cur = payment.currency;
  const capturable = BigInt(payment.authorizedMinor) - BigInt(payment.capturedMinor);
  const refundable = BigInt(payment.capturedMinor) - BigInt(payment.refundedMinor);
  const live = ['authorized', 'partially_captured'].includes(payment.paymentStatus);
  const refundableStatus = ['partially_captured', 'captured', 'partially_refunded'].includes(payment.paymentStatus);

  const ask = (req: ConfirmRequest) => {
    setDone(null);
    setConfirm(req);
  };
  const finished = (ok: boolean) => {
    const title = confirm?.title;
    setConfirm(null);
    if (ok) {
      setDone(`${title ?? 'Done'}: done.`);
      void load();
    }
  };

  return (
    <>
      <p><Link to="/payments">← All payments</Link></p>
      <PageTitle>Payment #{payment.id} <StatusBadge status={payment.status} /></PageTitle>
      {done && <p role="status" className="ok">{done}</p>}
      <div className="grid">
        <section className="card" aria-labelledby="amounts-title">
          <h2 id="amounts-title">Amounts</h2>
          <dl className="facts">
            <dt>Amount</dt><dd data-field="amount">{formatMoney(payment.amountMinor, cur)}</dd>
            <dt>Authorized</dt><dd data-field="authorized">{formatMoney(payment.authorizedMinor, cur)}</dd>
            <dt>Captured</dt><dd data-field="captured">{formatMoney(payment.capturedMinor, cur)}</dd>
            <dt>Refunded</dt><dd data-field="refunded">{formatMoney(payment.refundedMinor, cur)}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="refs-title">
          <h2 id="refs-title">References</h2>
          <dl className="facts">
            <dt>Gateway</dt><dd>{payment.gateway} (account #{payment.accountId})</dd>
            <dt>Gateway transaction</dt><dd data-field="gateway-ref"><code>{payment.gatewayTransactionId ?? '—'}</code></dd>
            <dt>Gateway status</dt><dd><code>{payment.gatewayStatus ?? '—'}</code></dd>
            <dt>Session</dt><dd>#{payment.sessionId}</dd>
            <dt>Order</dt><dd>{payment.orderId === null ? '—' : `#${payment.orderId}`}</dd>
            <dt>Card</dt><dd>{payment.cardDetails ? `${payment.cardDetails.brand} •••• ${payment.cardDetails.last4}` : '—'}</dd>
            <dt>Created</dt><dd>{formatDateTime(payment.createdAt)}</dd>
          </dl>
        </section>
      </div>
      <section className="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <div className="action-forms">
          {live && capturable > 0n && (
            <AmountForm
              label="Capture" currency={cur} max={capturable} withReason={false}
              onSubmit={(minor) => ask({
                title: 'Capture payment',
                body: <p>Capture <strong data-field="confirm-amount">{formatMoney(minor, cur)}</strong> of payment #{payment.id}{minor < capturable ? ` (of ${formatMoney(capturable, cur)} capturable)` : ''}?</p>,
                confirmLabel: `Capture ${formatMoney(minor, cur)}`,
                action: () => tender.Admin.capturePayment(payment.id, { amount: minorToDecimal(minor, cur) }),
              })}
            />
          )}
          {refundableStatus && refundable > 0n && (
            <AmountForm
              label="Refund" currency={cur} max={refundable} withReason
              onSubmit={(minor, reason) => ask({
                title: 'Refund payment',
                body: <p>Refund <strong data-field="confirm-amount">{formatMoney(minor, cur)}</strong> of payment #{payment.id} to the customer{reason ? ` (reason: ${reason})` : ''}? This cannot be undone.</p>,
                confirmLabel: `Refund ${formatMoney(minor, cur)}`,
                danger: true,
                action: () => tender.Admin.refundPayment(payment.id, { amount: minorToDecimal(minor, cur), ...(reason ? { reason } : {}) }),
              })}
            />
          )}
          {payment.paymentStatus === 'authorized' && (
            <button type="button" className="danger" onClick={() => ask({
              title: 'Cancel payment',
              body: <p>Release the authorization of <strong>{formatMoney(payment.authorizedMinor, cur)}</strong> (payment #{payment.id})? Nothing was captured.</p>,
              confirmLabel: 'Cancel the payment',
              danger: true,
              action: () => tender.Admin.cancelPayment(payment.id),
            })}>Cancel payment…</button>
          )}
          {!live && !refundableStatus && payment.paymentStatus !== 'authorized' && <p className="muted">No action applies to a payment that is {words(payment.status)}.</p>}
        </div>
      </section>
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline{payment.orderId !== null ? ` of order #${payment.orderId}` : ''}</h2>
        {!history ? <Loading what="history" /> : <Timeline entries={history} />}
      </section>
      <ConfirmDialog request={confirm} onDone={finished} />
    </>
  );
}

function AmountForm({ label, currency, max, withReason, onSubmit }: {
  label: string; currency: string; max: bigint; withReason: boolean; onSubmit: (minor: bigint, reason: string) => void;
}) {
  const [amount, setAmount] = useState(minorToDecimal(max, currency));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = label.toLowerCase();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseAmount(amount, currency);
    if (minor === undefined || minor <= 0n) return setError(`Enter an amount in ${currency}, e.g. ${minorToDecimal(max, currency)}`);
    if (minor > max) return setError(`At most ${formatMoney(max, currency)}`);
    setError(null);
    onSubmit(minor, reason.trim());
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={label}>
      <label htmlFor={`${id}-amount`}>{label} amount ({currency}, up to {formatMoney(max, currency)})</label>
      <input id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {withReason && <><label htmlFor={`${id}-reason`}>Reason</label><input id={`${id}-reason`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} /></>}
      {error && <p id={`${id}-error`} role="alert" className="error">{error}</p>}
      <button type="submit">{label}…</button>
    </form>
  );
}

function Timeline({ entries }: { entries: HistoryEntry[] }) {
  if (entries.length === 0) return <p>No history.</p>;
  return (
    <ol className="timeline">
      {entries.map((h) => (
        <li key={h.id} data-entity={h.entity} data-action={h.action}>
          <time dateTime={h.createdAt}>{formatDateTime(h.createdAt)}</time>
          <span className="what"><strong>{words(h.entity)} #{h.entityId}</strong> {words(h.action)}
            {(h.from || h.to) && <> {h.from ? words(h.from) : '∅'} → {h.to ? words(h.to) : '∅'}</>}
          </span>
          {h.amountMinor !== null && h.currency && <span className="num">{formatMoney(h.amountMinor, h.currency.trim())}</span>}
          <span className="muted">by {h.actor.type}{h.actor.id ? ` ${h.actor.id}` : ''}</span>
        </li>
      ))}
    </ol>
  );
}
