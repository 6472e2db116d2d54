import { useCallback, useEffect, useState } from 'react';
import { errorMessage, tender, type AdminAccount } from '../api.js';
import { ErrorNotice, Loading, PageTitle } from '../components/status.js';
import { AccountForm } from './account-form.js';

export function AccountsPage(_: { canWrite: boolean }) {
  const [accounts, setAccounts] = useState<AdminAccount[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<AdminAccount | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<number, string>>({});
  const load = useCallback(() => {
    tender.Accounts.list().then((l) => setAccounts(l.items), (err) => setError(errorMessage(err)));
  }, []);
  useEffect(load, [load]);

  const testConnection = async (a: AdminAccount) => {
    setTests((t) => ({ ...t, [a.id]: 'Checking…' }));
    try {
      const r = await tender.Accounts.testConnection(a.id);
      setTests((t) => ({ ...t, [a.id]: `${r.ok ? 'Connected' : 'Failed'} (${r.testMode ? 'test' : 'live'} keys): ${r.message}` }));
    } catch (err) {
      setTests((t) => ({ ...t, [a.id]: errorMessage(err) }));
    }
  };

  if (editing) {
    return (
      <AccountForm
        account={editing === 'new' ? null : editing}
        onCancel={() => setEditing(null)}
        onSaved={(a) => { setEditing(null); setNotice(`Account ${a.identifier} saved.`); load(); }}
      />
    );
  }
  return (
    <>
      <PageTitle actions={<button type="button" className="primary" onClick={() => setEditing('new')}>New account</button>}>Payment accounts</PageTitle>
      {notice && <p role="status" className="ok">{notice}</p>}
      <ErrorNotice error={error} />
      {!accounts ? <Loading what="accounts" /> : (
        <div className="table-wrap">
          <table aria-label="Payment accounts">
            <thead>
              <tr><th scope="col">Identifier</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Mode</th><th scope="col">Visible</th><th scope="col">Keys</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.id} data-account={a.identifier}>
                  <th scope="row">{a.identifier}</th>
                  <td>{a.title}</td>
                  <td>{a.type}</td>
                  <td>{a.testMode ? 'test' : 'live'}</td>
                  <td>{a.isVisible ? 'yes' : 'no'}</td>
                  <td><Masked secrets={a.testMode ? a.testSecrets : a.secrets} /></td>
                  <td>
                    <div className="actions">
                      <button type="button" onClick={() => setEditing(a)} aria-label={`Edit ${a.identifier}`}>Edit</button>
                      {(a.type === 'stripe' || a.type === 'paypal') && (
                        <button type="button" onClick={() => void testConnection(a)} aria-label={`Test connection of ${a.identifier}`}>Test connection</button>
                      )}
                    </div>
                    {tests[a.id] && <p role="status" className="muted">{tests[a.id]}</p>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function Masked({ secrets }: { secrets: AdminAccount['secrets'] }) {
  const entries = Object.entries(secrets);
  if (entries.length === 0) return <span className="muted">none needed</span>;
  return (
    <ul className="plain">
      {entries.map(([k, v]) => <li key={k}>{k}: {v.set ? <code>••••{v.last4 ?? ''}</code> : <span className="muted">not set</span>}</li>)}
    </ul>
  );
}
