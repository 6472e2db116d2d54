import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { errorMessage, tender, type WebhookDelivery, type WebhookEndpoint } from '../api.js';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog.js';
import { ErrorNotice, Loading, PageTitle, StatusBadge } from '../components/status.js';
import { formatDateTime } from '../format.js';

export function WebhooksPage(_: { canWrite: boolean }) {
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const load = useCallback(() => {
    setRound((n) => n + 1);
    tender.Webhooks.listEndpoints().then((l) => {
      setEndpoints(l.items);
      setSelected((s) => s ?? l.items[0]?.id ?? null);
    }, (err) => setError(errorMessage(err)));
  }, []);
  useEffect(load, [load]);
  const toggle = async (e: WebhookEndpoint) => {
    setError(null);
    try {
      await tender.Webhooks.updateEndpoint(e.id, { enabled: !e.enabled });
      load();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <>
      <PageTitle actions={<button type="button" onClick={load}>Refresh</button>}>Webhooks</PageTitle>
      <ErrorNotice error={error} />
      <NewEndpoint onCreated={(id, s) => { setSecret(s); setSelected(id); load(); }} />
      {secret && (
        <p role="status" className="ok">Signing secret of the new endpoint (shown once — store it now): <code data-field="secret">{secret}</code></p>
      )}
      {!endpoints ? <Loading what="endpoints" /> : endpoints.length === 0 ? <p>No endpoints yet.</p> : (
        <div className="table-wrap">
          <table aria-label="Webhook endpoints">
            <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Failures in a row</th><th scope="col">Deliveries</th></tr></thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id} data-endpoint-id={e.id} aria-selected={selected === e.id}>
                  <th scope="row"><code>{e.url}</code>{e.description && <div className="muted">{e.description}</div>}</th>
                  <td>{e.eventTypes.join(', ')}</td>
                  <td>
                    {e.enabled ? 'enabled' : `disabled${e.disabledReason ? `: ${e.disabledReason}` : ''}`}
                    <div><button type="button" onClick={() => void toggle(e)} aria-label={`${e.enabled ? 'Disable' : 'Enable'} ${e.url}`}>{e.enabled ? 'Disable' : 'Enable'}</button></div>
                  </td>
                  <td>{e.consecutiveFailures}</td>
                  <td><button type="button" onClick={() => setSelected(e.id)} aria-pressed={selected === e.id}>Show deliveries</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected !== null && <Deliveries endpointId={selected} key={`${selected}-${round}`} />}
    </>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (id: number, secret: string) => void }) {
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState('*');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const eventTypes = types.split(',').map((t) => t.trim()).filter(Boolean);
      const r = await tender.Webhooks.createEndpoint({ url: url.trim(), eventTypes });
      setUrl('');
      onCreated(r.endpoint.id, r.secret);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="card inline-form" onSubmit={(e) => void submit(e)} aria-label="New webhook endpoint">
      <label>Endpoint URL<input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://shop.example.com/hooks/tender" /></label>
      <label>Event types (comma-separated, * for all)<input required value={types} onChange={(e) => setTypes(e.target.value)} /></label>
      <ErrorNotice error={error} />
      <button type="submit">Add endpoint</button>
    </form>
  );
}

function Deliveries({ endpointId }: { endpointId: number }) {
  const [onlyFailed, setOnlyFailed] = useState(false);
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => {
    tender.Webhooks.listDeliveries(endpointId, { status: onlyFailed ? 'failed' : undefined, limit: 50 }).then((l) => setItems(l.items), (err) => setError(errorMessage(err)));
  }, [endpointId, onlyFailed]);
  useEffect(load, [load]);
  const replay = (d: WebhookDelivery) => setConfirm({
    title: `Replay ${d.eventType}`,
    body: <p>Send event <code>{d.eventId}</code> to this endpoint again (same event id, fresh signature)?</p>,
    confirmLabel: 'Replay',
    action: async () => setNotice(`Replayed: ${(await tender.Webhooks.replayEvent(d.eventId, endpointId)).replayed} delivery queued.`),
  });
  const replayFailed = () => setConfirm({
    title: 'Replay failed deliveries',
    body: <p>Send again every delivery to this endpoint that failed in the last 7 days?</p>,
    confirmLabel: 'Replay failed',
    action: async () => {
      const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
      setNotice(`Replayed ${(await tender.Webhooks.replayFailed(endpointId, since)).replayed} deliveries.`);
    },
  });
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries of endpoint #{endpointId}</h2>
      <div className="actions">
        <label className="check"><input type="checkbox" checked={onlyFailed} onChange={(e) => setOnlyFailed(e.target.checked)} /> Only failures</label>
        <button type="button" onClick={replayFailed}>Replay failed…</button>
      </div>
      {notice && <p role="status" className="ok">{notice}</p>}
      <ErrorNotice error={error} />
      {!items ? <Loading what="deliveries" /> : items.length === 0 ? <p>No deliveries{onlyFailed ? ' failed' : ''}.</p> : (
        <div className="table-wrap">
          <table aria-label="Deliveries">
            <thead><tr><th scope="col">Event</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-delivery-id={d.id}>
                  <td>{d.eventType}<div className="muted"><code>{d.eventId}</code></div></td>
                  <td>{formatDateTime(d.createdAt)}</td>
                  <td><StatusBadge status={d.status} /></td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? '—'}{d.lastError ? ` ${d.lastError}` : ''}</td>
                  <td><button type="button" onClick={() => replay(d)} aria-label={`Replay delivery ${d.id}`}>Replay</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog request={confirm} onDone={(ok) => { setConfirm(null); if (ok) load(); }} />
    </section>
  );
}
