import { DomainError } from './domain-error.js';

/**
 * A status change that the entity's transition table does not allow.
 *
 * `entity` names the state machine ('payment', 'payment_session', …) so one error code
 * (`invalid_transition`) serves every table and the message still says which one refused.
 */
export class InvalidTransitionError extends DomainError {
  override readonly name = 'InvalidTransitionError';
  readonly code = 'invalid_transition' as const;

  /**
   * @param entity which state machine refused (snake_case, e.g. 'refund_request').
   * @param from current status.
   * @param to requested status.
   * @param allowed statuses reachable from `from` in one step, for the message.
   */
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly to: string,
    allowed: readonly string[] = [],
  ) {
    super(
      `Cannot move ${entity} from '${from}' to '${to}'; from '${from}' it can move to ${
        allowed.length === 0 ? 'nothing (terminal)' : allowed.map((s) => `'${s}'`).join(', ')
      }`,
      { entity, from, to },
    );
  }
}
