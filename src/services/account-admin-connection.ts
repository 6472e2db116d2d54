/**
 * "Test connection" for a payment account. An adapter that can check its credentials exposes
 * `testConnection(account)` next to the Gateway methods (Stripe does; PayPal can add the same
 * method to its adapter and it is used here unchanged). The answer never contains a secret.
 */
import type { Gateway, GatewayAccount } from '../gateways/gateway.js';
import { gatewayFor } from '../gateways/registry.js';
import { redact } from '../gateways/stripe/stripe-text.js';

export type ConnectionCheck = { ok: boolean; message: string };

type Testable = Gateway & { testConnection?: (account: GatewayAccount) => Promise<ConnectionCheck> };

export async function testConnection(account: GatewayAccount): Promise<ConnectionCheck> {
  let gateway: Testable;
  try {
    gateway = gatewayFor(account.type) as Testable;
  } catch {
    return { ok: false, message: `No adapter for accounts of type ${account.type} is available in this process` };
  }
  if (!gateway.testConnection) {
    return account.type === 'custom' || account.type === 'test'
      ? { ok: true, message: `Accounts of type ${account.type} have no remote credentials to test` }
      : { ok: false, message: `The ${account.type} adapter offers no connection test` };
  }
  let result: ConnectionCheck;
  try {
    result = await gateway.testConnection(account);
  } catch (err) {
    result = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  // Belt and braces: no message leaves with anything shaped like a key or one of the account's secrets.
  let message = redact(result.message);
  for (const secret of Object.values(account.secrets)) {
    if (secret.length >= 6) message = message.split(secret).join('[redacted]');
  }
  return { ok: result.ok, message: message.slice(0, 500) };
}
