import fc from 'fast-check';
import parsePostgresDate from 'postgres-date';
import { describe, expect, it } from 'vitest';
import { isoFromTimestamptz, parseTimestamptz } from '../../src/store/timestamp-parser.js';
import { useTestDatabase } from '../support/database.js';

/** The text PostgreSQL writes for a timestamptz in UTC, with 0–6 fraction digits. */
function pgText(ms: number, micros: number): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const fraction = (iso.slice(20, 23) + String(micros).padStart(3, '0')).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? '.' + fraction : ''}+00`;
}

describe('parseTimestamptz', () => {
  it('reads what postgres-date reads, for any UTC timestamp of years 1000–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), fc.integer({ min: 0, max: 999 }), (ms, micros) => {
        const text = pgText(ms, micros);
        const ours = parseTimestamptz(text);
        expect(ours.getTime()).toBe((parsePostgresDate(text) as Date).getTime());
        expect(ours.getTime()).toBe(ms);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves every other form to postgres-date', () => {
    for (const text of ['2026-11-21 10:15:29+05:30', '2026-11-21 10:15:29.5-08', '0099-01-01 00:00:00+00', '2026-11-21 10:15:29 BC', '12026-11-21 10:15:29+00', 'infinity', '2026-1x-21 10:15:29+00']) {
      const expected = parsePostgresDate(text);
      const ours = parseTimestamptz(text) as Date | number | null;
      if (expected instanceof Date) expect((ours as Date).getTime()).toEqual(expected.getTime());
      else expect(ours).toEqual(expected);
    }
  });

  describe('isoFromTimestamptz', () => {
    it('writes what parseTimestamptz(text).toISOString() writes, for any UTC timestamp of years 1000–9999', () => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), fc.integer({ min: 0, max: 999 }), (ms, micros) => {
          const text = pgText(ms, micros);
          expect(isoFromTimestamptz(text)).toBe(parseTimestamptz(text).toISOString());
          expect(isoFromTimestamptz(text)).toBe(new Date(ms).toISOString());
        }),
        { numRuns: 5000 },
      );
    });

    it('goes through a Date for every other form', () => {
      for (const text of ['2026-11-21 10:15:29+05:30', '2026-11-21 10:15:29.5-08', '0099-01-01 00:00:00+00', '12026-11-21 10:15:29+00']) {
        expect(isoFromTimestamptz(text)).toBe(parseTimestamptz(text).toISOString());
      }
    });
  });

  describe('on the database', () => {
    const { db } = useTestDatabase();
    it('renders a timestamptz selected as text as the instant the database holds', async () => {
      const { rows } = await db().query<{ t: Date; txt: string }>(
        `SELECT t, t::text AS txt
           FROM (VALUES (timestamptz '2026-11-21 10:15:29.254123+00'), (timestamptz '1999-12-31 23:59:59+00'), (timestamptz '2026-01-02 03:04:05.1+00'), (now())) v (t)`,
      );
      for (const r of rows) expect(isoFromTimestamptz(r.txt)).toBe(r.t.toISOString());
    });

    it('gets back the instants the database holds', async () => {
      const { rows } = await db().query<{ t: Date; e: string }>(
        `SELECT t, floor(extract(epoch FROM t) * 1000)::bigint::text AS e
           FROM (VALUES (timestamptz '2026-11-21 10:15:29.254123+00'), (timestamptz '1999-12-31 23:59:59+00'), (now())) v (t)`,
      );
      for (const r of rows) expect(r.t.getTime()).toBe(Number(r.e));
    });
  });
});
