// Shared table-driven checks for every status file. Not a test file itself: each
// `<status>.test.ts` calls it with the expected edges written out from the spec, so a
// change to a table has to be made twice (once on purpose).
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../src/domain/invalid-transition-error.js';
import {
  canTransition,
  nextStates,
  reachableStates,
  terminalStates,
  type TransitionTable,
} from '../../src/domain/state-machine.js';

export interface TransitionTableSpec<S extends string> {
  readonly entity: string;
  readonly table: TransitionTable<S>;
  readonly all: readonly S[];
  readonly initial: S;
  readonly expected: Readonly<Record<S, readonly S[]>>;
  readonly isTerminal: (s: S) => boolean;
  readonly assertMove: (from: S, to: S) => void;
  /** The assert function lets an unchanged status through (derived statuses). */
  readonly assertAllowsSame?: boolean;
}

export function describeTransitionTable<S extends string>(spec: TransitionTableSpec<S>): void {
  const { table, all, expected } = spec;
  const pairs = all.flatMap((from) => all.map((to) => ({ from, to, allowed: expected[from].includes(to) })));

  describe(`${spec.entity} transition table`, () => {
    it('has exactly one row per status', () => {
      expect(Object.keys(table).sort()).toEqual([...all].sort());
    });

    it('only targets known statuses', () => {
      for (const from of all) for (const to of table[from]) expect(all).toContain(to);
    });

    it('lists no status twice in a row', () => {
      for (const from of all) expect(new Set(table[from]).size).toBe(table[from].length);
    });

    it.each(pairs.filter((p) => p.allowed))('allows $from → $to', ({ from, to }) => {
      expect(canTransition(table, from, to)).toBe(true);
      expect(nextStates(table, from)).toContain(to);
      expect(() => spec.assertMove(from, to)).not.toThrow();
    });

    it.each(pairs.filter((p) => !p.allowed))('refuses $from → $to', ({ from, to }) => {
      expect(canTransition(table, from, to)).toBe(false);
      if (from === to && spec.assertAllowsSame === true) {
        expect(() => spec.assertMove(from, to)).not.toThrow();
        return;
      }
      let thrown: unknown;
      try {
        spec.assertMove(from, to);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(InvalidTransitionError);
      const err = thrown as InvalidTransitionError;
      expect(err.code).toBe('invalid_transition');
      expect({ entity: err.entity, from: err.from, to: err.to }).toEqual({ entity: spec.entity, from, to });
      expect(err.message).toContain(`'${from}'`);
    });

    it(`reaches every status from '${spec.initial}'`, () => {
      expect([...reachableStates(table, spec.initial)].sort()).toEqual([...all].sort());
    });

    it('gives terminal states no exits and reports exactly them as terminal', () => {
      const terminals = all.filter((s) => expected[s].length === 0);
      expect(terminalStates(table).sort()).toEqual([...terminals].sort());
      for (const s of all) {
        expect(spec.isTerminal(s)).toBe(terminals.includes(s));
        if (spec.isTerminal(s)) expect(nextStates(table, s)).toEqual([]);
      }
    });

    it('can leave every non-terminal state', () => {
      for (const s of all) if (!spec.isTerminal(s)) expect(nextStates(table, s).length).toBeGreaterThan(0);
    });
  });
}
