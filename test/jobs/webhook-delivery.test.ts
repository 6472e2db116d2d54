import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/sdk/index.js';
import { api, paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';
import { eventually, startReceiver, type Received, type Receiver } from './receiver.js';

// Short delays instead of minutes (the schedule is injectable); every other setting as in production.
const FAST = {
  webhooks: { backoff: { baseMs: 100, capMs: 400, retryForMs: 60_000 }, fanoutIntervalMs: 100 },
  pollingIntervalSeconds: 0.5,
};

let t: TestTender;
// A second Tender whose deliveries give up fast: 1.5 s timeout, retry window 2 s, endpoints
// disabled after 2 failed deliveries.
let tf: TestTender;
let user: { userId: number; token: string };
const receivers: Receiver[] = [];
beforeAll(async () => {
  [t, tf] = await Promise.all([
    startTender({ jobs: FAST }),
    startTender({ jobs: { ...FAST, webhooks: { ...FAST.webhooks, timeoutMs: 1_500, backoff: { baseMs: 50, capMs: 200, retryForMs: 2_000 }, disableAfter: 2 } } }),
  ]);
  user = await signIn(t, 'webhooks@example.com');
});
afterAll(async () => {
  await Promise.all([t?.close(), tf?.close()]);
  for (const r of receivers) await r.close();
});

const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
};
const endpoint = async (url: string, eventTypes: string[]) => {
  const res = await api(t)('POST', '/api/admin/webhook-endpoints', { url, eventTypes });
  expect(res.status).toBe(201);
  return res.body as { endpoint: { id: number }; secret: string };
};
const deliveries = async (endpointId: number) =>
  (await api(t)('GET', `/api/admin/webhook-endpoints/${endpointId}/deliveries`)).body.items as {
    id: number; eventId: string; eventType: string; status: string; attempts: number;
    attemptLog: { attempt: number; statusCode: number | null; durationMs: number; responseBody: string | null; error: string | null }[];
  }[];

describe('webhook delivery', () => {
  it('delivers once with a 2xx after three 500s: same event id, valid signature on every attempt', async () => {
    const rx = await receiver((_r, i) => (i < 3 ? { status: 500, body: `boom ${i}` } : { status: 200, body: 'thanks' }));
    const { endpoint: ep, secret } = await endpoint(`${rx.url}/hooks`, ['payment.captured']);
    const { paymentId } = await paidCashOrder(t, user.userId, user.token, 1, 1);

    await rx.waitFor((r) => r.length >= 4);
    const done = await eventually(async () => {
      const list = await deliveries(ep.id);
      return list[0]?.status === 'succeeded' ? list : undefined;
    }, 10_000, 'delivery succeeded');
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more may come
    expect(rx.received.map((r) => r.status)).toEqual([500, 500, 500, 200]);

    const ids = new Set<string>();
    for (const req of rx.received) {
      const event = await verifyWebhook(req.body, req.headers['tender-signature'] as string, secret);
      expect(event).toMatchObject({ type: 'payment.captured', data: { object: { id: paymentId } } });
      expect(req.headers['tender-event-id']).toBe(event.id);
      expect(req.headers['content-type']).toBe('application/json');
      ids.add(event.id);
    }
    expect(ids.size).toBe(1);
    expect(rx.received.map((r) => r.headers['tender-delivery-attempt'])).toEqual(['1', '2', '3', '4']);
    // Identical bytes each time: only the signature's timestamp may change.
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);

    expect(done).toHaveLength(1);
    const d = done[0]!;
    expect(d).toMatchObject({ eventId: [...ids][0], eventType: 'payment.captured', status: 'succeeded', attempts: 4 });
    expect(d.attemptLog.map((a) => [a.attempt, a.statusCode, a.responseBody])).toEqual([
      [1, 500, 'boom 0'], [2, 500, 'boom 1'], [3, 500, 'boom 2'], [4, 200, 'thanks'],
    ]);
    for (const a of d.attemptLog) expect(a.durationMs).toBeGreaterThanOrEqual(0);
    // The same log, per event.
    const perEvent = await api(t)('GET', `/api/admin/events/${d.eventId}/deliveries`);
    expect(perEvent.body.items.map((x: { id: number }) => x.id)).toEqual([d.id]);
  });

  it('attempts the events of one payment in order, even while the first one is being retried', async () => {
    // payment.authorized fails until the order's event has arrived (at least twice): the
    // payment's events wait for it, the order's event (another ordering key) does not.
    let authorizedFailures = 0;
    let orderSeen = false;
    const rx = await receiver((r) => {
      const type = JSON.parse(r.body).type as string;
      if (type === 'order.status_changed') orderSeen = true;
      if (type === 'payment.authorized' && (authorizedFailures < 2 || !orderSeen)) {
        authorizedFailures++;
        return { status: 503 };
      }
      return { status: 204 };
    });
    const { endpoint: ep } = await endpoint(rx.url, ['payment.authorized', 'payment.captured', 'order.status_changed']);
    await paidCashOrder(t, user.userId, user.token, 1, 1);
    await rx.waitFor((r) => r.filter((x) => x.status === 204).length >= 3);
    const types = (r: Received) => JSON.parse(r.body).type as string;
    const payment = rx.received.filter((r) => types(r).startsWith('payment.')).map((r) => `${types(r)} ${r.status}`);
    expect(payment.slice(-2)).toEqual(['payment.authorized 204', 'payment.captured 204']);
    expect(payment.slice(0, -2).every((p) => p === 'payment.authorized 503')).toBe(true);
    expect(payment.length).toBeGreaterThanOrEqual(4);
    await eventually(async () => (await deliveries(ep.id)).every((d) => d.status === 'succeeded'), 5_000, 'all recorded as succeeded');
  });

  it('signs with both secrets during a rotation grace period, then with the new one only', async () => {
    const rx = await receiver();
    const { endpoint: ep, secret: oldSecret } = await endpoint(rx.url, ['payment.captured']);
    const rotated = await api(t)('POST', `/api/admin/webhook-endpoints/${ep.id}/rotate-secret`, { graceSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    await paidCashOrder(t, user.userId, user.token, 1, 1);
    await rx.waitFor((r) => r.length >= 1);
    const first = rx.received[0]!;
    const header = first.headers['tender-signature'] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    await expect(verifyWebhook(first.body, header, oldSecret)).resolves.toMatchObject({ type: 'payment.captured' });
    await expect(verifyWebhook(first.body, header, newSecret)).resolves.toMatchObject({ type: 'payment.captured' });

    // A rotation without grace: the old secret stops signing at once.
    const again = await api(t)('POST', `/api/admin/webhook-endpoints/${ep.id}/rotate-secret`, { graceSeconds: 0 });
    await paidCashOrder(t, user.userId, user.token, 1, 1);
    await rx.waitFor((r) => r.length >= 2);
    const second = rx.received[1]!;
    const header2 = second.headers['tender-signature'] as string;
    expect(header2.match(/v1=/g)).toHaveLength(1);
    await expect(verifyWebhook(second.body, header2, again.body.secret)).resolves.toBeTruthy();
    await expect(verifyWebhook(second.body, header2, newSecret)).rejects.toMatchObject({ reason: 'signature_mismatch' });
  });

  it('gives up on a timeout (10 s in production), does not follow redirects to other hosts, and keeps 1 KB of the body', async () => {
    const other = await receiver();
    const rx = await receiver((r) => {
      if (r.path === '/slow') return { status: 200, delayMs: 4_000 };
      if (r.path === '/away') return { status: 307, headers: { location: `${other.url}/stolen` } };
      if (r.path === '/same') return { status: 308, headers: { location: '/final' } };
      if (r.path === '/final') return { status: 200, body: 'moved ok' };
      return { status: 500, body: 'x'.repeat(5000) };
    });
    const call = api(tf);
    const eps: Record<string, number> = {};
    for (const path of ['slow', 'away', 'same', 'big']) {
      eps[path] = (await call('POST', '/api/admin/webhook-endpoints', { url: `${rx.url}/${path}`, eventTypes: ['payment.captured'] })).body.endpoint.id;
    }
    const u2 = await signIn(tf, 'timeouts@example.com');
    await paidCashOrder(tf, u2.userId, u2.token, 1, 1);
    const logOf = (id: number) => eventually(async () => {
      const items = (await call('GET', `/api/admin/webhook-endpoints/${id}/deliveries`)).body.items;
      return items[0] && items[0].status !== 'pending' ? items[0] : undefined;
    }, 15_000, `delivery to endpoint ${id} done`);
    type Attempt = { statusCode: number | null; error: string | null; durationMs: number; responseBody: string | null };
    // Each endpoint gets several attempts within tf's 2 s window; a loaded machine may time out
    // any of them, so the assertions look for the attempt that shows the behaviour.
    const slow = await logOf(eps.slow!);
    expect(slow.status).toBe('failed');
    expect(slow.attemptLog.every((a: Attempt) => a.statusCode === null && a.error === 'timed out after 1500 ms')).toBe(true);
    expect(Math.min(...slow.attemptLog.map((a: Attempt) => a.durationMs))).toBeLessThan(3_000);
    const away = await logOf(eps.away!);
    expect(away.status).toBe('failed');
    expect(away.attemptLog.find((a: Attempt) => a.statusCode === 307)?.error).toMatch(/^redirect to another host \(http:\/\/127\.0\.0\.1:\d+\), not followed$/);
    expect(other.received.filter((r) => r.path === '/stolen')).toHaveLength(0);
    expect(await logOf(eps.same!)).toMatchObject({ status: 'succeeded', lastStatusCode: 200 });
    expect(rx.received.some((r) => r.path === '/final' && typeof r.headers['tender-signature'] === 'string')).toBe(true);
    const big = await logOf(eps.big!);
    expect(big.attemptLog.find((a: Attempt) => a.statusCode === 500)?.responseBody).toBe('x'.repeat(1024));
  });

  it('fails a delivery after its last attempt and disables the endpoint after a run of failures, with the reason', async () => {
    const rx = await receiver(() => ({ status: 502 }));
    const t3 = tf;
    {
      const call = api(t3);
      const ep = (await call('POST', '/api/admin/webhook-endpoints', { url: rx.url, eventTypes: ['payment.authorized', 'payment.captured'] })).body.endpoint;
      const u3 = await signIn(t3, 'failing@example.com');
      await paidCashOrder(t3, u3.userId, u3.token, 1, 1);
      const disabled = await eventually(async () => {
        const e = (await call('GET', `/api/admin/webhook-endpoints/${ep.id}`)).body;
        return e.enabled === false ? e : undefined;
      }, 15_000, 'endpoint disabled');
      expect(disabled.disabledReason).toMatch(/^2 deliveries in a row failed after their last attempt \(last: evt_\S+ after \d+ attempts, HTTP 502\)$/);
      expect(disabled.disabledAt).toEqual(expect.any(String));
      const items = (await call('GET', `/api/admin/webhook-endpoints/${ep.id}/deliveries`)).body.items;
      expect(items.map((d: { status: string }) => d.status)).toEqual(['failed', 'failed']);
      for (const d of items) expect(d.attempts, JSON.stringify(items)).toBeGreaterThan(1);
      // A disabled endpoint gets nothing (its deliveries are recorded as failed, for a later
      // replay), and enabling it clears the reason.
      const before = rx.received.length;
      await paidCashOrder(t3, u3.userId, u3.token, 1, 1);
      const skipped = await eventually(async () => {
        const list = (await call('GET', `/api/admin/webhook-endpoints/${ep.id}/deliveries`)).body.items;
        return list.length === 4 ? list : undefined;
      }, 5_000, 'deliveries recorded while disabled');
      expect(skipped.slice(0, 2)).toMatchObject([{ status: 'failed', attempts: 0, lastError: 'endpoint disabled' }, { status: 'failed', attempts: 0 }]);
      await new Promise((r) => setTimeout(r, 300));
      expect(rx.received.length).toBe(before);
      const enabled = await call('PATCH', `/api/admin/webhook-endpoints/${ep.id}`, { enabled: true });
      expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
    }
  });
});

const timestampOf = (header: string) => Number(/t=(\d+)/.exec(header)![1]);

describe('webhook replay', () => {
  const settled = (tt: TestTender, endpointId: number, count: number) => eventually(async () => {
    const items = (await api(tt)('GET', `/api/admin/webhook-endpoints/${endpointId}/deliveries`)).body.items as { id: number; eventId: string; status: string; attempts: number; lastError: string | null }[];
    return items.length === count && items.every((d) => d.status !== 'pending') ? items : undefined;
  }, 15_000, `${count} deliveries settled`);

  it('replays one event with its original event id and a fresh signature', async () => {
    const rx = await receiver();
    const call = api(t);
    const created = (await call('POST', '/api/admin/webhook-endpoints', { url: `${rx.url}/one`, eventTypes: ['payment.captured'] })).body;
    await paidCashOrder(t, user.userId, user.token, 1, 1);
    const [first] = await settled(t, created.endpoint.id, 1);
    const original = rx.received.filter((r) => r.path === '/one');
    expect(original).toHaveLength(1);
    // The signature's timestamp has a 1 s resolution: let a second pass so "fresh" is visible.
    await new Promise((r) => setTimeout(r, 1_100));

    const replay = await call('POST', `/api/admin/events/${first!.eventId}/replay`, { endpointId: created.endpoint.id });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ replayed: 1, deliveryIds: [first!.id] });
    await rx.waitFor((r) => r.filter((x) => x.path === '/one').length === 2);
    const [a, b] = rx.received.filter((r) => r.path === '/one');
    const ha = a!.headers['tender-signature'] as string;
    const hb = b!.headers['tender-signature'] as string;
    expect(b!.body).toBe(a!.body);
    expect(b!.headers['tender-event-id']).toBe(first!.eventId);
    expect(timestampOf(hb)).toBeGreaterThan(timestampOf(ha));
    expect(hb).not.toBe(ha);
    await expect(verifyWebhook(b!.body, hb, created.secret)).resolves.toMatchObject({ id: first!.eventId });
    const log = await eventually(async () => {
      const d = (await call('GET', `/api/admin/webhook-deliveries/${first!.id}`)).body;
      return d.status === 'succeeded' && d.attempts === 2 ? d : undefined;
    }, 10_000, 'replay recorded');
    expect(log.attemptLog.map((x: { attempt: number; statusCode: number }) => [x.attempt, x.statusCode])).toEqual([[1, 200], [2, 200]]);
  });

  it('replays an event to an endpoint created after it, and never sends history to a new endpoint otherwise', async () => {
    const rx = await receiver();
    const call = api(t);
    const old = (await call('GET', '/api/admin/events?type=payment.captured')).body.items[0];
    const late = (await call('POST', '/api/admin/webhook-endpoints', { url: `${rx.url}/late`, eventTypes: ['*'] })).body;
    await t.jobs!.fanOutNow();
    expect(await deliveries(late.endpoint.id)).toEqual([]);
    const replay = await call('POST', `/api/admin/events/${old.id}/replay`, { endpointId: late.endpoint.id });
    expect(replay.body.replayed).toBe(1);
    await rx.waitFor((r) => r.some((x) => x.path === '/late'));
    const got = rx.received.find((x) => x.path === '/late')!;
    expect(JSON.parse(got.body).id).toBe(old.id);
    await expect(verifyWebhook(got.body, got.headers['tender-signature'] as string, late.secret)).resolves.toBeTruthy();
  });

  it('replays everything that failed since a time, and only that, once the disabled endpoint is enabled again', async () => {
    let healthy = false;
    const rx = await receiver(() => (healthy ? { status: 200 } : { status: 500 }));
    const call = api(tf);
    await tf.ctx.db.query('DELETE FROM webhook_endpoints'); // the earlier tests' endpoints
    const u = await signIn(tf, 'replay@example.com');
    const ep = (await call('POST', '/api/admin/webhook-endpoints', { url: rx.url, eventTypes: ['payment.authorized', 'payment.captured'] })).body.endpoint;
    await paidCashOrder(tf, u.userId, u.token, 1, 1);
    const firstBatch = await settled(tf, ep.id, 2);
    expect(firstBatch.map((d) => d.status)).toEqual(['failed', 'failed']);
    expect((await call('GET', `/api/admin/webhook-endpoints/${ep.id}`)).body.enabled).toBe(false);
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    // While it is disabled, its events are recorded as failed deliveries without an attempt.
    await paidCashOrder(tf, u.userId, u.token, 1, 1);
    const both = await settled(tf, ep.id, 4);
    expect(both.slice(0, 2)).toMatchObject([{ status: 'failed', attempts: 0, lastError: 'endpoint disabled' }, { status: 'failed', attempts: 0 }]);

    const refused = await call('POST', `/api/admin/webhook-endpoints/${ep.id}/replay-failed`, { since });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/enable it/);
    healthy = true;
    await call('PATCH', `/api/admin/webhook-endpoints/${ep.id}`, { enabled: true });
    const replay = await call('POST', `/api/admin/webhook-endpoints/${ep.id}/replay-failed`, { since });
    expect(replay.status).toBe(200);
    const recent = both.slice(0, 2).map((d) => d.id).sort((x, y) => x - y);
    expect(replay.body).toEqual({ replayed: 2, deliveryIds: recent });
    const after = await eventually(async () => {
      const items = (await call('GET', `/api/admin/webhook-endpoints/${ep.id}/deliveries`)).body.items as { id: number; status: string }[];
      return items.filter((d) => d.status === 'succeeded').length === 2 ? items : undefined;
    }, 10_000, 'replayed deliveries succeeded');
    expect(after.filter((d) => d.status === 'failed').map((d) => d.id).sort()).toEqual(firstBatch.map((d) => d.id).sort());
    expect(rx.received.filter((r) => r.status === 200)).toHaveLength(2);

    expect((await call('POST', '/api/admin/webhook-endpoints/99999/replay-failed', { since })).status).toBe(404);
    expect((await call('POST', '/api/admin/events/evt_missing/replay', {})).status).toBe(404);
  });
});
