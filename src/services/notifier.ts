import type { Logger } from 'pino';

/** Delivers one-time codes (activation, password recovery) to users. */
export interface Notifier {
  /** False when no delivery channel is configured (codes are then refused, not dropped). */
  enabled?: boolean;
  sendCode(input: { userIdentifier: string; eventIdentifier: string; code: string; email?: string }): Promise<void>;
}

/**
 * Demo-mode notifier: writes the code to the log so a developer can use it. Outside demo mode
 * there is no delivery channel configured yet, so codes are refused at generation time rather
 * than silently dropped (see services/auth-codes).
 */
export function logNotifier(log: Logger, demo: boolean): Notifier & { enabled: boolean } {
  return {
    enabled: demo,
    async sendCode({ userIdentifier, eventIdentifier, code }) {
      if (!demo) throw new Error('no notifier configured outside demo mode');
      log.info({ userIdentifier, eventIdentifier, code, demo: true }, 'demo mode: one-time code (not sent anywhere)');
    },
  };
}
