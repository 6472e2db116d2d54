import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTender, type TenderClient } from '../../src/sdk/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../support/login.js';
import { startReceiver } from '../jobs/receiver.js';
import { authorizedPayment, paidCashOrder, signIn } from '../support/fixtures.js';
import { testGatewayAccount, webhooksIdle } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';
import { addAdminUser, OWNER, VIEWER } from './admin-users.js';
import { ensurePanelBuilt, HAS_CHROMIUM, LAPTOP, launchChromium, PHONE, screenshot, signInPanel, watchPage } from './browser.js';

const usd = (minor: bigint) => {
  const s = minor.toString().padStart(3, '0');
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(`${s.slice(0, -2)}.${s.slice(-2)}` as Intl.StringNumericLiteral);
};

describe.skipIf(!HAS_CHROMIUM)('admin panel in a real browser (skipped: needs /usr/bin/chromium)', () => {
  let t: TestTender;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let shop: TenderClient;
  let paidPaymentId = 0;

  beforeAll(async () => {
    await ensurePanelBuilt();
    // The job runner delivers webhooks; deliveries give up after half a second so that a failure shows quickly.
    t = await startTender({ jobs: { webhooks: { backoff: { baseMs: 50, capMs: 100, retryForMs: 500 }, fanoutIntervalMs: 100, timeoutMs: 2_000 }, pollingIntervalSeconds: 0.5 } });
    await addAdminUser(t, OWNER.email, OWNER.password, 'owner');
    await addAdminUser(t, VIEWER.email, VIEWER.password, 'viewer');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    problems = watchPage(page);
    shop = defineTender(t.url, { token: t.appToken });
    await shop.AuthProvider.auth('email', { authData: [{ marker: 'email_reg', value: DEMO_EMAIL }, { marker: 'password_reg', value: DEMO_PASSWORD }] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const nav = async (name: string) => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
  };

  const order = async (account: string, quantity = 1) =>
    shop.Orders.createOrder('orders', {
      formIdentifier: 'order', paymentAccountIdentifier: account,
      formData: [{ type: 'string', marker: 'name', value: 'Ada Lovelace' }], products: [{ productId: 1, quantity }],
    });

  it('serves the panel under a strict CSP and signs an admin in', async () => {
    const res = await fetch(`${t.url}/admin/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const d of ["script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"]) expect(csp).toContain(d);
    expect(await res.text()).not.toMatch(/<script>(?!<\/script>)|<style>|style="/);
    await page.goto(`${t.url}/admin/`);
    await page.getByRole('heading', { name: 'Sign in to Tender admin' }).waitFor();
    await screenshot(page, 'login');
    await signInPanel(page, t.url, OWNER.email, OWNER.password);
    await screenshot(page, 'dashboard-empty');
  });

  it('creates a test payment account', async () => {
    await nav('Accounts');
    await page.getByRole('button', { name: 'New account' }).click();
    await page.getByLabel('Identifier').fill('card');
    await page.getByLabel('Name').fill('Card (test gateway)');
    await page.getByLabel('Type').selectOption('test');
    // A local address: the browser must never leave this machine.
    await page.getByLabel('Success URL').fill(`${t.url}/shop/thanks`);
    await page.getByLabel('Session lifetime (seconds)').fill('1800');
    await screenshot(page, 'account-form');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Account card saved.').waitFor();
    await expect.poll(() => page.locator('tr[data-account="card"]').count()).toBe(1);
    const { rows } = await t.ctx.db.query<{ id: number; type: string; session_lifetime_sec: number; success_url: string }>("SELECT id, type, session_lifetime_sec, success_url FROM payment_accounts WHERE identifier = 'card'");
    expect(rows[0]).toMatchObject({ type: 'test', session_lifetime_sec: 1800, success_url: `${t.url}/shop/thanks` });
    // Which storages offer an account is part of the project file (`tender seed`), not of the panel.
    await t.ctx.db.query("INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'", [rows[0]!.id]);
    // A Stripe account: its keys are write-only, shown masked once saved, and kept when left empty on edit.
    const secretKey = 'sk_test_FAKEa1b2c3d4e5f6g7h8i9j0KEY9';
    await page.getByRole('button', { name: 'New account' }).click();
    await page.getByLabel('Identifier').fill('stripe-eu');
    await page.getByLabel('Name').fill('Stripe EU');
    await page.getByLabel('Type').selectOption('stripe');
    await page.getByLabel('Cancel URL').fill(`${t.url}/shop/cart`);
    await page.getByLabel('secretKey').fill(secretKey);
    await page.getByLabel('webhookSecret').fill('whsec_fakeSigningSecret1234');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Account stripe-eu saved.').waitFor();
    const stripeRow = page.locator('tr[data-account="stripe-eu"]');
    await expect.poll(() => stripeRow.innerText()).toContain('••••KEY9');
    expect(await page.content()).not.toContain(secretKey);
    await stripeRow.getByRole('button', { name: 'Edit stripe-eu' }).click();
    await page.getByLabel('Name').fill('Stripe Europe');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Account stripe-eu saved.').waitFor();
    await expect.poll(() => stripeRow.innerText()).toMatch(/Stripe Europe[\s\S]*••••KEY9/);
    expect(await stripeRow.getByRole('button', { name: 'Test connection of stripe-eu' }).count()).toBe(1);
    await screenshot(page, 'accounts');
  });

  it('maps completed → paid for the storage "orders"', async () => {
    // The demo project maps it already: start from a storage without that mapping.
    await t.ctx.db.query("DELETE FROM payment_status_mappings WHERE payment_status = 'completed'");
    await nav('Statuses');
    await page.getByLabel('Order storage').selectOption('orders');
    await page.getByLabel('completed', { exact: true }).selectOption('paid');
    await page.getByRole('heading', { name: 'No existing order is affected' }).waitFor();
    await page.getByRole('button', { name: 'Save mappings' }).click();
    await page.getByText('Mappings saved.').waitFor();
    const { rows } = await t.ctx.db.query<{ order_status_identifier: string }>(
      "SELECT m.order_status_identifier FROM payment_status_mappings m JOIN order_storages s ON s.id = m.storage_id WHERE s.identifier = 'orders' AND m.payment_status = 'completed'");
    expect(rows[0]?.order_status_identifier).toBe('paid');
    await screenshot(page, 'statuses');
  });

  it('shows a storefront order paid with 4242… on the checkout page as completed, the order paid', async () => {
    const created = await order('card');
    const session = await shop.Payments.createSession(created.id, 'session');
    expect(session.paymentUrl).toMatch(/\/test-gateway\/checkout\//);
    const checkout = await context.newPage();
    await checkout.goto(session.paymentUrl!);
    await checkout.getByLabel(/card number/i).fill('4242 4242 4242 4242');
    await checkout.locator('#expiry').fill(`12/${String(new Date().getUTCFullYear() + 2).slice(2)}`);
    await checkout.locator('#cvc').fill('123');
    await screenshot(checkout, 'checkout');
    await Promise.all([checkout.waitForURL((u) => u.pathname === '/shop/thanks'), checkout.getByRole('button', { name: /^Pay/ }).click()]);
    await checkout.close();
    await webhooksIdle();
    await expect.poll(async () => (await t.ctx.db.query<{ status_identifier: string }>('SELECT status_identifier FROM orders WHERE id = $1', [created.id])).rows[0]?.status_identifier, { timeout: 15_000 }).toBe('paid');

    await nav('Payments');
    await page.getByLabel('Order id').fill(String(created.id));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator('table[aria-label="Payments"] tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.first().innerText()).toMatch(/completed/);
    expect(await row.first().innerText()).toMatch(/paid/);
    expect(await row.first().innerText()).toContain(DEMO_EMAIL);
    expect(await row.first().innerText()).toContain(usd(34000n));
    paidPaymentId = Number(await row.first().getAttribute('data-payment-id'));
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: /^Amount/ }).click();
    await expect.poll(() => page.locator('th[aria-sort="descending"]').innerText()).toMatch(/Amount/);
    await screenshot(page, 'payments');
    // Tabs follow the ARIA pattern: arrow keys switch them.
    await page.getByRole('tab', { name: 'Payments' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('tab', { name: 'Sessions' }).getAttribute('aria-selected')).toBe('true');
    await page.locator('table[aria-label="Payment sessions"]').waitFor();
    await screenshot(page, 'sessions');
  });

  it('refunds 30% from the detail page after a confirmation in the currency\'s format; the timeline shows every step', async () => {
    await page.goto(`${t.url}/admin/payments/${paidPaymentId}`);
    await page.getByRole('heading', { name: `Payment #${paidPaymentId}` }).waitFor();
    const captured = BigInt((await t.ctx.db.query<{ c: string }>('SELECT captured_amount::text AS c FROM payments WHERE id = $1', [paidPaymentId])).rows[0]!.c);
    const refund = (captured * 30n) / 100n;
    expect((captured * 30n) % 100n).toBe(0n);
    await page.getByLabel(/^Refund amount/).fill(`${refund / 100n}.${String(refund % 100n).padStart(2, '0')}`);
    await page.getByLabel('Reason').fill('Damaged in transit');
    await page.getByRole('button', { name: 'Refund…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund payment' });
    await dialog.waitFor();
    // Escape cancels without refunding; the keyboard opens it again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Refund…' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await dialog.locator('[data-field="confirm-amount"]').innerText()).toBe(usd(refund));
    await screenshot(page, 'refund-confirm');
    await dialog.getByRole('button', { name: `Refund ${usd(refund)}` }).click();
    await page.getByText('Refund payment: done.').waitFor();
    await expect.poll(() => page.locator('[data-field="refunded"]').innerText()).toBe(usd(refund));
    expect(await page.locator('[data-field="captured"]').innerText()).toBe(usd(captured));

    const orderId = (await t.ctx.db.query<{ order_id: number }>('SELECT order_id FROM payments WHERE id = $1', [paidPaymentId])).rows[0]!.order_id;
    const history = (await t.ctx.db.query<{ entity: string; action: string; to_status: string | null }>('SELECT entity, action, to_status FROM payment_events WHERE order_id = $1 ORDER BY id', [orderId])).rows;
    const items = page.locator('ol.timeline > li');
    await expect.poll(() => items.count()).toBe(history.length);
    const shown = await items.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-entity')}:${e.getAttribute('data-action')}`));
    expect(shown).toEqual(history.map((h) => `${h.entity}:${h.action}`));
    for (const step of ['session:created', 'payment:created', 'order:status_changed', 'refund:created']) expect(shown, step).toContain(step);
    expect(history.some((h) => h.entity === 'order' && h.to_status === 'paid')).toBe(true);
    await screenshot(page, 'payment-detail');
  });

  it('captures part of a held payment and cancels another authorization, each after a confirmation', async () => {
    await testGatewayAccount(t, 'card-manual', 'manual');
    const created = await order('card-manual');
    const session = await shop.Payments.createSession(created.id, 'session');
    const checkout = await context.newPage();
    await checkout.goto(session.paymentUrl!);
    await checkout.getByLabel(/card number/i).fill('4242 4242 4242 4242');
    await checkout.locator('#expiry').fill(`12/${String(new Date().getUTCFullYear() + 2).slice(2)}`);
    await checkout.locator('#cvc').fill('123');
    await Promise.all([checkout.waitForURL((u) => !u.pathname.startsWith('/test-gateway/checkout/')), checkout.getByRole('button', { name: /^Pay/ }).click()]);
    await checkout.close();
    await webhooksIdle();
    await expect.poll(async () => (await t.ctx.db.query<{ status: string }>('SELECT status FROM payments WHERE order_id = $1', [created.id])).rows[0]?.status).toBe('authorized');
    const paymentId = (await t.ctx.db.query<{ id: number }>('SELECT id FROM payments WHERE order_id = $1', [created.id])).rows[0]!.id;
    await page.goto(`${t.url}/admin/payments/${paymentId}`);
    await page.getByLabel(/^Capture amount/).fill('100');
    await page.getByRole('button', { name: 'Capture…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Capture payment' });
    expect(await dialog.locator('[data-field="confirm-amount"]').innerText()).toBe(usd(10000n));
    await screenshot(page, 'capture-confirm');
    await dialog.getByRole('button', { name: `Capture ${usd(10000n)}` }).click();
    await page.getByText('Capture payment: done.').waitFor();
    await expect.poll(() => page.locator('[data-field="captured"]').innerText()).toBe(usd(10000n));
    expect(await page.locator('[data-field="authorized"]').innerText()).toBe(usd(34000n));

    const { userId, token } = await signIn(t, 'held@example.com');
    const { paymentId: other } = await authorizedPayment(t, userId, token, 1, 1);
    await page.goto(`${t.url}/admin/payments/${other}`);
    await page.getByRole('button', { name: 'Cancel payment…' }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel payment' });
    expect(await cancel.innerText()).toContain(usd(34000n));
    await cancel.getByRole('button', { name: 'Cancel the payment' }).click();
    await page.getByText('Cancel payment: done.').waitFor();
    await expect.poll(async () => (await t.ctx.db.query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [other])).rows[0]?.status).toBe('canceled');
  });

  it('approves one refund request (in part) and rejects another with a note', async () => {
    const a = await order('cash');
    const b = await order('cash');
    const sa = await shop.Payments.createSession(a.id, 'session');
    const sb = await shop.Payments.createSession(b.id, 'session');
    // One received through the panel's Sessions table, one through the admin API.
    await nav('Payments');
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await page.getByRole('button', { name: `Mark session ${sa.id} received` }).click();
    const dialog = page.getByRole('dialog', { name: `Mark session #${sa.id} as paid` });
    expect(await dialog.innerText()).toContain(usd(34000n));
    await screenshot(page, 'mark-received-confirm');
    await dialog.getByRole('button', { name: 'Mark received' }).click();
    await expect.poll(async () => (await t.ctx.db.query<{ status: string }>('SELECT status FROM payment_sessions WHERE id = $1', [sa.id])).rows[0]?.status).toBe('authorized');
    const r = await fetch(`${t.url}/api/admin/payments/sessions/${sb.id}/receive`, { method: 'POST', headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(200);
    expect(await shop.Orders.createRefundRequest(a.id, { products: { '1': { quantity: 1 } }, note: 'Wrong size' })).toBe(true);
    expect(await shop.Orders.createRefundRequest(b.id, { products: { '1': { quantity: 1 } }, note: 'Changed my mind' })).toBe(true);
    const ids = (await t.ctx.db.query<{ id: number; order_id: number }>('SELECT id, order_id FROM refund_requests WHERE order_id = ANY($1) ORDER BY order_id', [[a.id, b.id]])).rows;
    const [ra, rb] = [ids.find((x) => x.order_id === a.id)!.id, ids.find((x) => x.order_id === b.id)!.id];

    await nav('Refund requests');
    const cardA = page.locator(`li[data-request-id="${ra}"]`);
    await cardA.waitFor();
    await screenshot(page, 'refund-requests');
    await cardA.getByLabel(/Amount to refund/).fill('170.00');
    await cardA.getByLabel('Note').fill('Half, the box was opened');
    await cardA.getByRole('button', { name: 'Approve…' }).click();
    const approve = page.getByRole('dialog', { name: `Approve refund request #${ra}` });
    expect(await approve.locator('[data-field="confirm-amount"]').innerText()).toBe(usd(17000n));
    await approve.getByRole('button', { name: `Approve and refund ${usd(17000n)}` }).click();
    await page.getByText(`Approve refund request #${ra}: done.`).waitFor();

    const cardB = page.locator(`li[data-request-id="${rb}"]`);
    await cardB.getByLabel('Note').fill('Outside the return window');
    await cardB.getByRole('button', { name: 'Reject…' }).click();
    await page.getByRole('dialog', { name: `Reject refund request #${rb}` }).getByRole('button', { name: 'Reject the request' }).click();
    await page.getByText(`Reject refund request #${rb}: done.`).waitFor();

    const after = (await t.ctx.db.query<{ id: number; status: string; approved_amount: string | null; merchant_note: string | null }>(
      'SELECT id, status, approved_amount::text, merchant_note FROM refund_requests WHERE id = ANY($1)', [[ra, rb]])).rows;
    expect(after.find((x) => x.id === ra)).toMatchObject({ status: 'approved', approved_amount: '17000' });
    expect(after.find((x) => x.id === rb)).toMatchObject({ status: 'rejected', merchant_note: 'Outside the return window' });
    const refunds = (await t.ctx.db.query<{ amount: string; status: string }>('SELECT amount::text, status FROM refunds WHERE refund_request_id = $1', [ra])).rows;
    expect(refunds).toEqual([{ amount: '17000', status: 'succeeded' }]);
    await page.getByLabel('Show').selectOption('');
    await page.locator(`li[data-request-id="${rb}"]`).getByText('rejected').waitFor();
    await screenshot(page, 'refund-requests-decided');
  });

  it('shows which existing orders a mapping change concerns before it is saved', async () => {
    await nav('Statuses');
    await page.getByLabel('completed', { exact: true }).selectOption('inProgress');
    const { rows } = await t.ctx.db.query<{ id: number }>(
      `SELECT o.id FROM orders o JOIN order_storages s ON s.id = o.storage_id AND s.identifier = 'orders'
         JOIN payment_collections c ON c.order_id = o.id
        WHERE c.status = 'completed' AND o.status_identifier IS DISTINCT FROM 'inProgress' ORDER BY o.id DESC`);
    expect(rows.length).toBeGreaterThan(0);
    await page.getByRole('heading', { name: `${rows.length} existing order${rows.length === 1 ? '' : 's'} affected` }).waitFor();
    const shown = await page.locator('table[aria-label="Affected orders"] tbody tr').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-order-id'))));
    expect(shown).toEqual(rows.map((r) => r.id));
    await screenshot(page, 'statuses-affected');
    await page.getByRole('button', { name: 'Undo changes' }).click();
    await page.getByText('No unsaved changes.').waitFor();
  });

  it('shows dashboard totals equal to the sums SQL computes over the same data, for 7, 30 and 90 days', async () => {
    await nav('Dashboard');
    for (const days of [7, 30, 90]) {
      await page.getByLabel(`Last ${days} days`).check();
      const { rows } = await t.ctx.db.query<{ currency: string; n: number; volume: string; captured: string }>(
        `SELECT trim(currency) AS currency, count(*)::int AS n, sum(authorized_amount)::text AS volume, sum(captured_amount)::text AS captured FROM payments
          WHERE created_at >= (date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => $1 - 1)) AT TIME ZONE 'UTC' GROUP BY 1`, [days]);
      const refunded = (await t.ctx.db.query<{ currency: string; amount: string }>(
        `SELECT trim(currency) AS currency, sum(amount)::text AS amount FROM refunds WHERE status = 'succeeded'
          AND created_at >= (date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => $1 - 1)) AT TIME ZONE 'UTC' GROUP BY 1`, [days])).rows;
      expect(rows.map((r) => r.currency)).toEqual(['USD']);
      const sql = rows[0]!;
      const row = page.locator('tr[data-currency="USD"]');
      await expect.poll(() => row.locator('[data-field="payments"]').innerText()).toBe(String(sql.n));
      expect(await row.locator('[data-field="volume"]').innerText()).toBe(usd(BigInt(sql.volume)));
      expect(await row.locator('[data-field="captured"]').innerText()).toBe(usd(BigInt(sql.captured)));
      expect(await row.locator('[data-field="refunded"]').innerText()).toBe(usd(BigInt(refunded[0]!.amount)));
      expect(BigInt(refunded[0]!.amount)).toBe(10200n + 17000n);
      expect(await page.locator('figure.chart canvas').count()).toBeGreaterThanOrEqual(2);
      await screenshot(page, `dashboard-${days}d`);
    }
  });

  it('adds a webhook endpoint, shows a failed delivery, and replays it', async () => {
    let healthy = false;
    const rx = await startReceiver(() => (healthy ? { status: 200 } : { status: 500, body: 'receiver down' }));
    try {
      await nav('Webhooks');
      await page.getByLabel('Endpoint URL').fill(`${rx.url}/tender-hooks`);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect.poll(() => page.locator('[data-field="secret"]').innerText()).toMatch(/^whsec_/);
      const endpointId = Number(await page.locator('tr[data-endpoint-id]').last().getAttribute('data-endpoint-id'));
      // An event after the endpoint exists: a cash order paid through the admin API.
      const { userId, token } = await signIn(t, 'hooks@example.com');
      await paidCashOrder(t, userId, token, 1, 1);
      // Three deliveries in a row fail after their retries, and Tender disables the endpoint.
      await expect.poll(async () => (await t.ctx.db.query<{ enabled: boolean }>('SELECT enabled FROM webhook_endpoints WHERE id = $1', [endpointId])).rows[0]?.enabled, { timeout: 20_000 }).toBe(false);
      // Enable it again, then replay the failures.
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(() => page.locator(`tr[data-endpoint-id="${endpointId}"]`).innerText()).toMatch(/disabled: /);
      await page.getByLabel('Only failures').check();
      await expect.poll(() => page.locator('table[aria-label="Deliveries"] tbody tr').first().innerText()).toMatch(/failed/);
      await screenshot(page, 'webhooks-failed');
      healthy = true;
      await page.getByRole('button', { name: `Enable ${rx.url}/tender-hooks` }).click();
      await expect.poll(() => page.locator(`tr[data-endpoint-id="${endpointId}"]`).innerText()).toMatch(/enabled/);
      await page.getByRole('button', { name: 'Replay failed…' }).click();
      await page.getByRole('dialog', { name: 'Replay failed deliveries' }).getByRole('button', { name: 'Replay failed' }).click();
      await page.getByText(/^Replayed [1-9]\d* deliveries\.$/).waitFor();
      await expect.poll(async () => (await t.ctx.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'succeeded'", [endpointId])).rows[0]!.n, { timeout: 20_000 }).toBe(0);
      // One more replay of a single (now delivered) event, from its row.
      await page.getByRole('button', { name: 'Refresh' }).click();
      const row = page.locator('table[aria-label="Deliveries"] tbody tr').first();
      await expect.poll(() => row.innerText()).toMatch(/succeeded/);
      await row.getByRole('button', { name: /^Replay delivery/ }).click();
      await page.getByRole('dialog', { name: /^Replay / }).getByRole('button', { name: 'Replay' }).click();
      await page.getByText('Replayed: 1 delivery queued.').waitFor();
      await screenshot(page, 'webhooks');
    } finally {
      await rx.close();
    }
  });

  it('lets a viewer (signed in with the keyboard) see every page at phone width while the server refuses its writes with 403', async () => {
    const phone = await browser.newContext({ viewport: PHONE, locale: 'en-US', timezoneId: 'UTC', isMobile: true, hasTouch: true });
    const v = await phone.newPage();
    const vProblems = watchPage(v);
    await v.goto(`${t.url}/admin/`);
    await v.getByRole('heading', { name: 'Sign in to Tender admin' }).waitFor();
    await v.keyboard.press('Tab'); // skip nothing: the first control is the e-mail field
    await v.getByLabel('E-mail').focus();
    await v.keyboard.type(VIEWER.email);
    await v.keyboard.press('Tab');
    await v.keyboard.type(VIEWER.password);
    await v.keyboard.press('Enter');
    await v.getByRole('heading', { name: 'Dashboard' }).waitFor();
    for (const [path, name] of [['/', 'dashboard'], ['/payments', 'payments'], [`/payments/${paidPaymentId}`, 'payment-detail'], ['/refund-requests', 'refund-requests'], ['/accounts', 'accounts'], ['/statuses', 'statuses'], ['/webhooks', 'webhooks']] as const) {
      await v.goto(`${t.url}/admin${path}`);
      await v.getByRole('heading', { level: 1 }).first().waitFor();
      await v.getByText('Loading', { exact: false }).first().waitFor({ state: 'detached' }).catch(() => undefined);
      expect(await v.getByRole('alert').count(), `${name}: no error shown`).toBe(0);
      await screenshot(v, `viewer-phone-${name}`);
    }
    // Through the UI: the refund is refused by the server, and nothing changes.
    await v.goto(`${t.url}/admin/payments/${paidPaymentId}`);
    await v.getByLabel(/^Refund amount/).fill('1.00');
    await v.getByRole('button', { name: 'Refund…' }).click();
    await v.getByRole('dialog', { name: 'Refund payment' }).getByRole('button', { name: /^Refund / }).click();
    await v.getByRole('dialog').getByRole('alert').getByText(/forbidden/).waitFor();
    await screenshot(v, 'viewer-phone-refund-refused');
    expect((await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refunds WHERE payment_id = $1', [paidPaymentId])).rows[0]!.n).toBe(1);
    // And every mutating route, called from the page with the session cookie and CSRF token.
    const statuses = await v.evaluate(async (paymentId) => {
      const s = await (await fetch('/api/admin/auth/session')).json() as { csrfToken: string };
      const calls: [string, string, unknown][] = [
        ['POST', `/api/admin/payments/${paymentId}/refund`, { amount: '1.00' }], ['POST', `/api/admin/payments/${paymentId}/capture`, {}],
        ['POST', `/api/admin/payments/${paymentId}/cancel`, undefined], ['POST', '/api/admin/payments/sessions/1/receive', {}],
        ['POST', '/api/admin/refund-requests/1/approve', {}], ['POST', '/api/admin/refund-requests/1/reject', { note: 'x' }],
        ['PUT', '/api/admin/order-storages/orders/status-mappings', { mappings: { completed: 'inProgress' } }],
        ['POST', '/api/admin/accounts', { identifier: 'x', type: 'test', title: 'x' }], ['PATCH', '/api/admin/accounts/1', { title: 'y' }],
        ['POST', '/api/admin/accounts/1/test-connection', undefined], ['POST', '/api/admin/webhook-endpoints', { url: 'http://127.0.0.1:9/x', eventTypes: ['*'] }],
      ];
      const out: string[] = [];
      for (const [method, url, body] of calls) {
        const r = await fetch(url, { method, headers: { 'x-csrf-token': s.csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
        out.push(`${method} ${url} ${r.status}`);
      }
      return out;
    }, paidPaymentId);
    for (const s of statuses) expect(s).toMatch(/ 403$/);
    expect(vProblems).toEqual([]);
    await phone.close();
  });

  it('rate-limits the sign-in after five wrong passwords, and the API answers 401 without a session', async () => {
    const fresh = await browser.newContext({ viewport: LAPTOP, locale: 'en-US' });
    const p = await fresh.newPage();
    await p.goto(`${t.url}/admin/`);
    expect(await p.evaluate(async () => (await fetch('/api/admin/payments')).status)).toBe(401);
    expect(await p.evaluate(async () => (await fetch('/api/admin/dashboard')).status)).toBe(401);
    await p.getByLabel('E-mail').fill(OWNER.email);
    for (let i = 0; i < 5; i++) {
      await p.getByLabel('Password').fill(`wrong-password-${i}`);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('alert').getByText('Wrong e-mail or password').waitFor();
    }
    await p.getByLabel('Password').fill(OWNER.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').getByText(/Too many failed sign-in attempts/).waitFor();
    await screenshot(p, 'login-rate-limited');
    await fresh.close();
    expect(problems).toEqual([]);
  });
});
