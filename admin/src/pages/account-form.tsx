import { useState, type FormEvent } from 'react';
import { errorMessage, tender, type AdminAccount, type CreateAccountBody, type UpdateAccountBody } from '../api.js';
import { ErrorNotice, PageTitle } from '../components/status.js';
import { Masked } from './accounts.js';

type AccountType = AdminAccount['type'];
const SECRET_FIELDS: Record<AccountType, string[]> = {
  stripe: ['secretKey', 'webhookSecret'],
  paypal: ['clientId', 'clientSecret', 'webhookId'],
  custom: [],
  test: [],
};

/** Create or edit an account. Keys are write-only: left empty, a stored key is kept. */
export function AccountForm({ account, onSaved, onCancel }: { account: AdminAccount | null; onSaved: (a: AdminAccount) => void; onCancel: () => void }) {
  const [identifier, setIdentifier] = useState(account?.identifier ?? '');
  const [title, setTitle] = useState(account?.title ?? '');
  const [type, setType] = useState<AccountType>(account?.type ?? 'test');
  const [successUrl, setSuccessUrl] = useState(account?.successUrl ?? '');
  const [cancelUrl, setCancelUrl] = useState(account?.cancelUrl ?? '');
  const [lifetime, setLifetime] = useState(String(account?.sessionLifetimeSec ?? 3600));
  const [testMode, setTestMode] = useState(account?.testMode ?? true);
  const [visible, setVisible] = useState(account?.isVisible ?? true);
  const [capture, setCapture] = useState<'automatic' | 'manual'>(account?.captureMethod ?? 'automatic');
  const [keys, setKeys] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const stored = account ? (testMode ? account.testSecrets : account.secrets) : {};

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const secrets = Object.fromEntries(Object.entries(keys).filter(([k, v]) => SECRET_FIELDS[type].includes(k) && v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    const common = {
      title, testMode, isVisible: visible, captureMethod: capture, sessionLifetimeSec: Number(lifetime),
      successUrl: successUrl.trim() || null, cancelUrl: cancelUrl.trim() || null,
      ...(Object.keys(secrets).length > 0 ? { [testMode ? 'testSecrets' : 'secrets']: secrets } : {}),
    };
    try {
      const saved = account
        ? await tender.Accounts.update(account.id, { ...common, ...(identifier !== account.identifier ? { identifier } : {}) } as UpdateAccountBody)
        : await tender.Accounts.create({ identifier, type, ...common } as CreateAccountBody);
      onSaved(saved);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{account ? `Edit account ${account.identifier}` : 'New payment account'}</PageTitle>
      <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Payment account">
        <label>Identifier<input required pattern="[A-Za-z0-9_-]{1,64}" value={identifier} onChange={(e) => setIdentifier(e.target.value)} aria-describedby="id-help" /></label>
        <p id="id-help" className="help">Letters, digits, _ and -; orders name it as paymentAccountIdentifier.</p>
        <label>Name<input required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} /></label>
        <label>Type
          <select value={type} onChange={(e) => setType(e.target.value as AccountType)} disabled={account !== null}>
            <option value="test">Test (Tender's offline test gateway)</option>
            <option value="stripe">Stripe</option>
            <option value="paypal">PayPal</option>
            <option value="custom">Custom (cash, bank transfer)</option>
          </select>
        </label>
        <label>Success URL<input type="url" value={successUrl} onChange={(e) => setSuccessUrl(e.target.value)} placeholder="https://shop.example.com/thanks" /></label>
        <label>Cancel URL<input type="url" value={cancelUrl} onChange={(e) => setCancelUrl(e.target.value)} placeholder="https://shop.example.com/cart" /></label>
        <label>Session lifetime (seconds)<input type="number" min={60} max={2592000} required value={lifetime} onChange={(e) => setLifetime(e.target.value)} /></label>
        <label>Capture
          <select value={capture} onChange={(e) => setCapture(e.target.value as 'automatic' | 'manual')}>
            <option value="automatic">Automatic (on authorization)</option>
            <option value="manual">Manual (the merchant captures)</option>
          </select>
        </label>
        <label className="check"><input type="checkbox" checked={testMode} onChange={(e) => setTestMode(e.target.checked)} /> Test mode (use the provider's sandbox keys)</label>
        <label className="check"><input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} /> Visible to customers</label>
        {SECRET_FIELDS[type].length > 0 && (
          <fieldset>
            <legend>{testMode ? 'Test-mode keys' : 'Live keys'} (write-only: leave empty to keep)</legend>
            {account && <Masked secrets={stored} />}
            {SECRET_FIELDS[type].map((k) => (
              <label key={k}>{k}<input type="password" autoComplete="off" value={keys[k] ?? ''} onChange={(e) => setKeys({ ...keys, [k]: e.target.value })} /></label>
            ))}
          </fieldset>
        )}
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : account ? 'Save changes' : 'Create account'}</button>
          <button type="button" onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </>
  );
}
