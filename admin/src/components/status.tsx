import type { ReactNode } from 'react';
import { words } from '../format.js';

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{words(status)}</span>;
}

export function ErrorNotice({ error }: { error: string | null }) {
  return error ? <p role="alert" className="error">{error}</p> : null;
}

export function Loading({ what }: { what: string }) {
  return <p role="status" className="muted">Loading {what}…</p>;
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}

/** "21–40 of 95" with Previous / Next. */
export function Pager({ offset, limit, total, onChange, label }: { offset: number; limit: number; total: number; onChange: (offset: number) => void; label: string }) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>Previous</button>
      <span aria-live="polite">{first}–{last} of {total}</span>
      <button type="button" onClick={() => onChange(offset + limit)} disabled={last >= total}>Next</button>
    </nav>
  );
}
