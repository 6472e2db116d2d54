import { InvalidTransitionError } from './invalid-transition-error.js';

/**
 * A state machine as data: each status maps to the statuses it may move to in one step.
 * Self-transitions are never implied; list them if an entity may "move" to where it is.
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/**
 * Allowed next statuses of `from`. Unknown statuses (e.g. a bad string read from storage)
 * have none rather than throwing, so guards fail closed.
 */
export function nextStates<S extends string>(table: TransitionTable<S>, from: S): readonly S[] {
  // Object.hasOwn so a status named like an Object.prototype member cannot match.
  return Object.hasOwn(table, from) ? table[from] : [];
}

/** True when `table` allows `from → to` in one step. */
export function canTransition<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  return nextStates(table, from).includes(to);
}

/**
 * Throws unless `table` allows `from → to`.
 * @param entity names the machine in the error ('payment', 'refund_request', …).
 * @throws InvalidTransitionError (code `invalid_transition`)
 */
export function assertTransition<S extends string>(
  table: TransitionTable<S>,
  from: S,
  to: S,
  entity = 'entity',
): void {
  if (!canTransition(table, from, to)) {
    throw new InvalidTransitionError(entity, from, to, nextStates(table, from));
  }
}

/** Statuses with no way out, in table order. */
export function terminalStates<S extends string>(table: TransitionTable<S>): S[] {
  return (Object.keys(table) as S[]).filter((s) => table[s].length === 0);
}

/** Every status reachable from `initial` in zero or more steps (includes `initial`). */
export function reachableStates<S extends string>(table: TransitionTable<S>, initial: S): Set<S> {
  const seen = new Set<S>([initial]);
  const queue: S[] = [initial];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    for (const next of nextStates(table, s)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
