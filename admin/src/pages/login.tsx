import { useState, type FormEvent } from 'react';
import { errorMessage, tender, type AdminSessionInfo } from '../api.js';
import { ErrorNotice } from '../components/status.js';

export function LoginPage({ onSignedIn }: { onSignedIn: (s: AdminSessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await tender.Auth.login(email, password));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <main className="center">
      <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Tender admin</h1>
        <label>E-mail<input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>Password<input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        <ErrorNotice error={error} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}

export function ChangePasswordPage({ onChanged }: { onChanged: (s: AdminSessionInfo) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onChanged(await tender.Auth.changePassword(current, next));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <main className="center">
      <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="pw-title">
        <h1 id="pw-title">Choose your password</h1>
        <p>You signed in with a one-time password. Choose your own (at least 10 characters) to continue.</p>
        <label>One-time password<input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} /></label>
        <label>New password<input type="password" autoComplete="new-password" minLength={10} required value={next} onChange={(e) => setNext(e.target.value)} /></label>
        <ErrorNotice error={error} />
        <button type="submit" className="primary">Save password</button>
      </form>
    </main>
  );
}
