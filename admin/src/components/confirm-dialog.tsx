import { useEffect, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../api.js';

export interface ConfirmRequest {
  title: string;
  /** What will happen, with the amount already formatted in the currency. */
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  action: () => Promise<unknown>;
}

/**
 * A modal confirmation (<dialog>: focus moves into it, Escape cancels, focus returns after).
 * The action runs only on confirm; its error stays in the dialog.
 */
export function ConfirmDialog({ request, onDone }: { request: ConfirmRequest | null; onDone: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (request && !d.open) {
      setError(null);
      d.showModal();
    }
    if (!request && d.open) d.close();
  }, [request]);

  const confirm = async () => {
    if (!request) return;
    setBusy(true);
    setError(null);
    try {
      await request.action();
      onDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); if (!busy) onDone(false); }}>
      {request && (
        <div>
          <h2 id="confirm-title">{request.title}</h2>
          <div className="dialog-body">{request.body}</div>
          {error && <p role="alert" className="error">{error}</p>}
          <div className="actions">
            <button type="button" onClick={() => onDone(false)} disabled={busy}>Cancel</button>
            <button type="button" className={request.danger ? 'danger' : 'primary'} onClick={() => void confirm()} disabled={busy} autoFocus>
              {busy ? 'Working…' : request.confirmLabel}
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
