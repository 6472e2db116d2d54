import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

interface EventItem { id: string; type: string; created: string; data: { object: Record<string, unknown> } }

describe('GET /api/admin/events (polling alternative to webhooks)', () => {
  let t: TestTender;
  let all: EventItem[];
  beforeAll(async () => {
    t = await startTender();
    const user = await signIn(t, 'events@example.com');
    await paidCashOrder(t, user.userId, user.token, 1, 1);
    await paidCashOrder(t, user.userId, user.token, 2, 1);
    all = (await api(t)('GET', '/api/admin/events?limit=100')).body.items;
  });
  afterAll(() => t?.close());
  const list = async (query: string) => (await api(t)('GET', `/api/admin/events${query}`)).body as { items: EventItem[]; hasMore: boolean };
  const numericId = async (publicId: string) =>
    String((await t.ctx.db.query<{ id: bigint }>('SELECT id FROM events WHERE public_id = $1', [publicId])).rows[0]!.id);

  it('lists events oldest first as {id, type, created, data}', async () => {
    expect(all.map((e) => e.type)).toEqual([
      'payment_session.created', 'payment.authorized', 'payment.captured', 'order.status_changed',
      'payment_session.created', 'payment.authorized', 'payment.captured', 'order.status_changed',
    ]);
    for (const e of all) {
      expect(Object.keys(e).sort()).toEqual(['created', 'data', 'id', 'type']);
      expect(e.id).toMatch(/^evt_/);
      expect(new Date(e.created).toISOString()).toBe(e.created);
      expect(e.data.object).toEqual(expect.any(Object));
    }
    const { rows } = await t.ctx.db.query<{ public_id: string }>('SELECT public_id FROM events ORDER BY id');
    expect(all.map((e) => e.id)).toEqual(rows.map((r) => r.public_id));
  });

  it('continues after a public or a numeric event id, filters by type, and pages with limit', async () => {
    const third = all[2]!;
    expect((await list(`?after=${third.id}`)).items.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
    expect((await list(`?after=${await numericId(third.id)}`)).items.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
    const captured = await list('?type=payment.captured');
    expect(captured.items.map((e) => e.id)).toEqual(all.filter((e) => e.type === 'payment.captured').map((e) => e.id));
    const page1 = await list('?limit=3');
    expect(page1).toMatchObject({ hasMore: true });
    expect(page1.items).toHaveLength(3);
    const page2 = await list(`?limit=5&after=${page1.items[2]!.id}`);
    expect(page2.hasMore).toBe(false);
    expect([...page1.items, ...page2.items].map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(await list(`?after=${all[all.length - 1]!.id}`)).toEqual({ items: [], hasMore: false });
  });

  it('answers one event by public or numeric id, and refuses unknown ids and types', async () => {
    const e = all[1]!;
    expect((await api(t)('GET', `/api/admin/events/${e.id}`)).body).toEqual(e);
    expect((await api(t)('GET', `/api/admin/events/${await numericId(e.id)}`)).body).toEqual(e);
    const missing = await api(t)('GET', '/api/admin/events?after=evt_doesnotexist');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/evt_doesnotexist not found/);
    expect((await api(t)('GET', '/api/admin/events/evt_nope')).status).toBe(404);
    expect((await api(t)('GET', '/api/admin/events?type=DROP TABLE')).status).toBe(400);
    expect((await api(t)('GET', '/api/admin/events?limit=101')).status).toBe(400);
    expect((await api(t)('GET', '/api/admin/events?after=1;2')).status).toBe(400);
  });

  // Two transactions take ids 10 and 11; 11 commits first. A poller that saw 11 and then asks
  // for "after 11" would never see 10. The list stops before a missing id until it appears,
  // or until the grace period says its transaction rolled back.
  it('never lets a poller skip an event that commits after a later one', async () => {
    const insert = (id: bigint, type: string) => t.ctx.db.query(
      `INSERT INTO events (id, public_id, type, object_type, object_id, ordering_key, data) VALUES ($1, $2, $3, 'order', 1, 'order:1', '{"object":{}}')`,
      [id, `evt_gap${id}`, type]);
    const nextId = async () => (await t.ctx.db.query<{ id: bigint }>("SELECT nextval(pg_get_serial_sequence('events', 'id')) AS id")).rows[0]!.id;
    const last = all[all.length - 1]!.id;
    const a = await nextId();
    const b = await nextId();
    await insert(b, 'order.status_changed');
    expect((await list(`?after=${last}`)).items).toEqual([]);
    await insert(a, 'order.status_changed');
    expect((await list(`?after=${last}`)).items.map((e) => e.id)).toEqual([`evt_gap${a}`, `evt_gap${b}`]);

    // An id taken by a transaction that rolled back never appears: skipped after the grace period.
    const rolledBack = await nextId();
    const c = await nextId();
    await insert(c, 'order.status_changed');
    expect((await list(`?after=evt_gap${b}`)).items).toEqual([]);
    await t.ctx.db.query(`UPDATE event_watermark SET gap_seen_at = now() - interval '1 minute'`);
    expect((await list(`?after=evt_gap${b}`)).items.map((e) => e.id)).toEqual([`evt_gap${c}`]);
    expect(rolledBack).toBe(b + 1n);
  });
});
