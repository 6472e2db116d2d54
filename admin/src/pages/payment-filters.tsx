import { useEffect, useState, type FormEvent } from 'react';
import { tender } from '../api.js';

export const PAYMENT_STATUSES = ['requires_action', 'authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded', 'canceled', 'failed'];
export const SESSION_STATUSES = ['pending', 'requires_more', 'requires_action', 'authorized', 'canceled', 'expired', 'failed'];

export interface Filters {
  status: string;
  accountId: string;
  currency: string;
  from: string;
  to: string;
  orderId: string;
  customerEmail: string;
}

export const EMPTY_FILTERS: Filters = { status: '', accountId: '', currency: '', from: '', to: '', orderId: '', customerEmail: '' };

/** Filters as SDK query keys; dates are the browser's local days (`to` inclusive). */
export function toQuery(f: Filters) {
  const day = (d: string, plus: number) => {
    const [y, m, dd] = d.split('-').map(Number);
    return new Date(y!, m! - 1, dd! + plus).toISOString();
  };
  return {
    status: f.status || undefined,
    accountId: f.accountId ? Number(f.accountId) : undefined,
    currency: f.currency ? f.currency.toUpperCase() : undefined,
    createdFrom: f.from ? day(f.from, 0) : undefined,
    createdTo: f.to ? day(f.to, 1) : undefined,
    orderId: f.orderId ? Number(f.orderId) : undefined,
    customerEmail: f.customerEmail.trim() || undefined,
  };
}

export function FilterForm({ statuses, value, onApply }: { statuses: string[]; value: Filters; onApply: (f: Filters) => void }) {
  const [f, setF] = useState(value);
  const [accounts, setAccounts] = useState<{ id: number; identifier: string }[]>([]);
  useEffect(() => setF(value), [value]);
  useEffect(() => {
    tender.Accounts.list().then((l) => setAccounts(l.items), () => setAccounts([]));
  }, []);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(f);
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      <label>Status
        <select value={f.status} onChange={set('status')}>
          <option value="">Any</option>
          {statuses.map((s) => <option key={s} value={s}>{s.replace(/_/g, ' ')}</option>)}
        </select>
      </label>
      <label>Account
        <select value={f.accountId} onChange={set('accountId')}>
          <option value="">Any</option>
          {accounts.map((a) => <option key={a.id} value={a.id}>{a.identifier}</option>)}
        </select>
      </label>
      <label>Currency<input value={f.currency} onChange={set('currency')} maxLength={3} pattern="[A-Za-z]{3}" placeholder="USD" size={4} /></label>
      <label>From<input type="date" value={f.from} onChange={set('from')} /></label>
      <label>To<input type="date" value={f.to} onChange={set('to')} /></label>
      <label>Order id<input inputMode="numeric" pattern="[0-9]*" value={f.orderId} onChange={set('orderId')} size={6} /></label>
      <label>Customer e-mail<input type="search" value={f.customerEmail} onChange={set('customerEmail')} /></label>
      <div className="actions">
        <button type="submit" className="primary">Apply filters</button>
        <button type="button" onClick={() => onApply(EMPTY_FILTERS)}>Reset</button>
      </div>
    </form>
  );
}

export type Sort = 'created_desc' | 'created_asc' | 'amount_desc' | 'amount_asc';

/** A column header that sorts: the button says what a press does; aria-sort says the state. */
export function SortHeader({ label, field, sort, onSort }: { label: string; field: 'created' | 'amount'; sort: Sort; onSort: (s: Sort) => void }) {
  const active = sort.startsWith(field);
  const desc = sort.endsWith('desc');
  const next: Sort = active && desc ? `${field}_asc` : `${field}_desc`;
  return (
    <th scope="col" aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort" onClick={() => onSort(next)}>
        {label} <span aria-hidden="true">{active ? (desc ? '▼' : '▲') : '↕'}</span>
      </button>
    </th>
  );
}
