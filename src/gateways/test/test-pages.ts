/**
 * HTML of the test gateway's customer pages: checkout, 3-D Secure challenge and result. One
 * self-contained document each (inline CSS, no script, no external asset), a label on every
 * control, native form controls so that everything works with the keyboard alone. Pages never
 * echo a card number back: after an error the customer types it again.
 */
import { formatMajor } from '../../domain/format-major.js';
import { TEST_CARDS } from './test-cards.js';
import type { IntentRow } from './test-gateway-store.js';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1a1a1a}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 .25rem}
.badge{display:inline-block;margin:0 0 1rem;padding:.1rem .5rem;border-radius:4px;background:#fff3cd;color:#5c4400;font-size:.85rem}
.amount{font-size:2rem;font-weight:600;margin:.25rem 0 1.25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.6rem;font:inherit;border:1px solid #767676;border-radius:4px}
.row{display:flex;gap:1rem}.row>div{flex:1}
button{width:100%;margin-top:1.5rem;padding:.75rem;font:inherit;font-weight:600;border:0;border-radius:4px;background:#0b5cd5;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#a4000f;border:2px solid #a4000f}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.error{padding:.75rem;border-left:4px solid #a4000f;background:#fdecee;color:#6b0009}
.hint{font-size:.875rem;color:#4a4a4a}
details{margin-top:1.5rem;font-size:.875rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #ddd}
code{font-size:.85rem}
a{color:#0b5cd5}
`;

const SCENARIO_LABELS: Record<string, string> = {
  succeeds: 'Succeeds',
  requires_action: 'Asks for 3-D Secure (challenge page)',
  card_declined: 'Declined',
  insufficient_funds: 'Declined: insufficient funds',
};

export function amountText(intent: Pick<IntentRow, 'amount' | 'currency'>): string {
  return `${formatMajor({ amount: intent.amount, currency: intent.currency })} ${intent.currency}`;
}

export function checkoutPage(intent: IntentRow, options: { error?: string; cancelUrl?: string | null }): string {
  const amount = amountText(intent);
  const cards = Object.entries(TEST_CARDS)
    .map(([n, s]) => `<tr><td><code>${n.replace(/(\d{4})(?=\d)/g, '$1 ')}</code></td><td>${escapeHtml(SCENARIO_LABELS[s] ?? s)}</td></tr>`)
    .join('');
  return layout(`Pay ${amount}`, `
<p class="badge">Test mode: no real money moves</p>
<h1>Pay with card</h1>
<p class="amount">${escapeHtml(amount)}</p>
${options.error ? `<p class="error" role="alert" id="form-error">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="/test-gateway/checkout/${encodeURIComponent(intent.id)}"${options.error ? ' aria-describedby="form-error"' : ''}>
  <label for="number">Card number</label>
  <input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required maxlength="23" aria-describedby="number-hint">
  <p class="hint" id="number-hint">Digits only; spaces are fine.</p>
  <div class="row">
    <div><label for="expiry">Expiry date (MM/YY)</label>
      <input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM/YY" required maxlength="7"></div>
    <div><label for="cvc">Security code (CVC)</label>
      <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required maxlength="4"></div>
  </div>
  <button type="submit">Pay ${escapeHtml(amount)}</button>
</form>
${options.cancelUrl ? `<p><a href="${escapeHtml(options.cancelUrl)}">Cancel and return to the store</a></p>` : ''}
<details><summary>Test cards</summary>
<table><thead><tr><th scope="col">Number</th><th scope="col">Result</th></tr></thead><tbody>${cards}</tbody></table>
<p>Any future expiry date and any 3 digits for the CVC work.</p></details>`);
}

export function challengePage(intent: IntentRow): string {
  const amount = amountText(intent);
  return layout('Confirm your payment', `
<p class="badge">Test mode: simulated 3-D Secure</p>
<h1>Confirm your payment</h1>
<p>Your bank asks you to confirm a payment of <strong>${escapeHtml(amount)}</strong>${intent.card_last4 ? ` with the ${escapeHtml(intent.card_brand ?? 'card')} card ending in ${escapeHtml(intent.card_last4)}` : ''}.</p>
<form method="post" action="/test-gateway/challenge/${encodeURIComponent(intent.id)}">
  <button type="submit" name="result" value="approve">Approve</button>
  <button type="submit" name="result" value="fail" class="secondary">Fail authentication</button>
</form>`);
}

/** A page with a heading, a message and an optional link onwards; `alert` for failures. */
export function messagePage(title: string, message: string, options: { link?: { href: string; text: string }; alert?: boolean } = {}): string {
  const { link, alert } = options;
  return layout(title, `
<p class="badge">Test mode</p>
<h1>${escapeHtml(title)}</h1>
<p${alert ? ' class="error" role="alert"' : ''}>${escapeHtml(message)}</p>
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Tender test gateway</title>
<style>${STYLE}</style>
</head>
<body>
<main>${body}
</main>
</body>
</html>
`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
