import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/domain-error.js';
import { InvalidTransitionError } from '../../src/domain/invalid-transition-error.js';
import {
  assertTransition,
  canTransition,
  nextStates,
  reachableStates,
  terminalStates,
  type TransitionTable,
} from '../../src/domain/state-machine.js';

type Light = 'red' | 'green' | 'yellow' | 'broken' | 'orphan';
const table: TransitionTable<Light> = {
  red: ['green', 'broken'],
  green: ['yellow', 'broken'],
  yellow: ['red', 'broken'],
  broken: [],
  orphan: ['red'],
};

describe('state machine helpers', () => {
  it('allows exactly the listed transitions', () => {
    expect(canTransition(table, 'red', 'green')).toBe(true);
    expect(canTransition(table, 'red', 'yellow')).toBe(false);
    expect(canTransition(table, 'red', 'red')).toBe(false);
  });

  it('lists next states in table order', () => {
    expect(nextStates(table, 'green')).toEqual(['yellow', 'broken']);
  });

  it('fails closed for a status that is not in the table', () => {
    expect(nextStates(table, 'blue' as Light)).toEqual([]);
    expect(canTransition(table, 'toString' as Light, 'red')).toBe(false);
  });

  it('throws InvalidTransitionError naming the entity and both statuses', () => {
    let thrown: unknown;
    try {
      assertTransition(table, 'broken', 'red', 'traffic_light');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidTransitionError);
    expect(thrown).toBeInstanceOf(DomainError);
    const err = thrown as InvalidTransitionError;
    expect(err).toMatchObject({ code: 'invalid_transition', entity: 'traffic_light', from: 'broken', to: 'red' });
    expect(err.message).toBe("Cannot move traffic_light from 'broken' to 'red'; from 'broken' it can move to nothing (terminal)");
    expect(err.details).toEqual({ entity: 'traffic_light', from: 'broken', to: 'red' });
  });

  it('lists the allowed targets when refusing', () => {
    expect(() => assertTransition(table, 'red', 'yellow')).toThrow(
      "Cannot move entity from 'red' to 'yellow'; from 'red' it can move to 'green', 'broken'",
    );
  });

  it('passes silently for an allowed transition', () => {
    expect(() => assertTransition(table, 'yellow', 'red')).not.toThrow();
  });

  it('finds terminal states', () => {
    expect(terminalStates(table)).toEqual(['broken']);
  });

  it('finds what is reachable from the initial state, including itself', () => {
    expect([...reachableStates(table, 'red')].sort()).toEqual(['broken', 'green', 'red', 'yellow']);
    expect(reachableStates(table, 'broken')).toEqual(new Set(['broken']));
  });
});
