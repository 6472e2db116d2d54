import { useEffect, useMemo, useState } from 'react';
import { errorMessage, tender, type AdminOrderStorages, type AffectedOrders, type StatusMappings } from '../api.js';
import { ErrorNotice, Loading, PageTitle, StatusBadge } from '../components/status.js';
import { formatDateTime, formatMoney, words } from '../format.js';

/** The payment (collection) statuses a storage can map, in lifecycle order. */
const PAYMENT_STATUSES = ['not_paid', 'awaiting', 'requires_action', 'authorized', 'partially_authorized', 'partially_captured', 'completed', 'partially_refunded', 'refunded', 'canceled', 'failed'];

export function StatusesPage(_: { canWrite: boolean }) {
  const [storages, setStorages] = useState<AdminOrderStorages['items'] | null>(null);
  const [marker, setMarker] = useState('');
  const [saved, setSaved] = useState<StatusMappings | null>(null);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [affected, setAffected] = useState<AffectedOrders | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    tender.Admin.listOrderStorages().then((s) => {
      setStorages(s.items);
      if (s.items[0]) setMarker(s.items[0].identifier);
    }, (err) => setError(errorMessage(err)));
  }, []);
  useEffect(() => {
    if (!marker) return;
    setSaved(null);
    setNotice(null);
    tender.Admin.getStatusMappings(marker).then((m) => { setSaved(m); setDraft(m.mappings); }, (err) => setError(errorMessage(err)));
  }, [marker]);

  const changes = useMemo(() => {
    const out: Record<string, string | null> = {};
    if (!saved) return out;
    for (const s of PAYMENT_STATUSES) {
      const before = saved.mappings[s] ?? '';
      const after = draft[s] ?? '';
      if (before !== after) out[s] = after || null;
    }
    return out;
  }, [saved, draft]);
  const changed = Object.keys(changes).length > 0;

  useEffect(() => {
    if (!changed) return setAffected(null);
    const t = setTimeout(() => {
      tender.Admin.getAffectedOrders(marker, changes).then(setAffected, (err) => setError(errorMessage(err)));
    }, 250);
    return () => clearTimeout(t);
  }, [changes, changed, marker]);

  const save = async () => {
    setError(null);
    try {
      const m = await tender.Admin.setStatusMappings(marker, changes);
      setSaved(m);
      setDraft(m.mappings);
      setNotice('Mappings saved.');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  if (!storages) return <><PageTitle>Order statuses</PageTitle><ErrorNotice error={error} /><Loading what="order storages" /></>;
  return (
    <>
      <PageTitle>Order statuses</PageTitle>
      <p>When an order's payment reaches a status, Tender moves the order to the status mapped here, in the same transaction.</p>
      <label>Order storage
        <select value={marker} onChange={(e) => setMarker(e.target.value)}>
          {storages.map((s) => <option key={s.identifier} value={s.identifier}>{s.title} ({s.identifier})</option>)}
        </select>
      </label>
      <ErrorNotice error={error} />
      {notice && <p role="status" className="ok">{notice}</p>}
      {!saved ? <Loading what="mappings" /> : (
        <form className="card" onSubmit={(e) => { e.preventDefault(); void save(); }} aria-label="Status mappings">
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Payment status</th><th scope="col">Order status</th></tr></thead>
              <tbody>
                {PAYMENT_STATUSES.map((s) => (
                  <tr key={s}>
                    <th scope="row"><label htmlFor={`map-${s}`}>{words(s)}</label></th>
                    <td>
                      <select id={`map-${s}`} value={draft[s] ?? ''} onChange={(e) => setDraft({ ...draft, [s]: e.target.value })}>
                        <option value="">— leave the order as it is —</option>
                        {saved.orderStatuses.map((o) => <option key={o} value={o}>{o}</option>)}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Affected affected={affected} changed={changed} />
          <div className="actions">
            <button type="submit" className="primary" disabled={!changed}>Save mappings</button>
            <button type="button" onClick={() => setDraft(saved.mappings)} disabled={!changed}>Undo changes</button>
          </div>
        </form>
      )}
    </>
  );
}

function Affected({ affected, changed }: { affected: AffectedOrders | null; changed: boolean }) {
  if (!changed) return <p className="muted">No unsaved changes.</p>;
  if (!affected) return <p role="status" className="muted">Looking for affected orders…</p>;
  return (
    <section aria-labelledby="affected-title" aria-live="polite">
      <h2 id="affected-title">{affected.total === 0 ? 'No existing order is affected' : `${affected.total} existing order${affected.total === 1 ? '' : 's'} affected`}</h2>
      {affected.total > 0 && (
        <>
          <p className="help">These orders are in a payment status whose mapping changes, and their order status differs from the new one. Saving changes no order now: each follows the new mapping at its next payment status change.</p>
          <div className="table-wrap">
            <table aria-label="Affected orders">
              <thead><tr><th scope="col">Order</th><th scope="col">Payment status</th><th scope="col">Order status now</th><th scope="col">Mapped to</th><th scope="col">Total</th><th scope="col">Updated</th></tr></thead>
              <tbody>
                {affected.items.map((o) => (
                  <tr key={o.orderId} data-order-id={o.orderId}>
                    <td>#{o.orderId}</td>
                    <td>{words(o.paymentStatus)}</td>
                    <td>{o.orderStatus ? <StatusBadge status={o.orderStatus} /> : '—'}</td>
                    <td>{o.targetStatus ?? '(unmapped)'}</td>
                    <td className="num">{formatMoney(o.totalMinor, o.currency)}</td>
                    <td>{formatDateTime(o.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
