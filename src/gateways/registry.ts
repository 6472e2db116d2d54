import { PaymentsError } from '../errors.js';
import type { AccountType, Gateway } from './gateway.js';
import { manualGateway } from './manual/manual-gateway.js';
import { paypalGateway } from './paypal/paypal-gateway.js';

const gateways: Partial<Record<AccountType, Gateway>> = {
  custom: manualGateway,
};

/** Registers an adapter (the test, Stripe and PayPal adapters register themselves here). */
export function registerGateway(gateway: Gateway): void {
  gateways[gateway.type] = gateway;
}

export function gatewayFor(type: AccountType): Gateway {
  const g = gateways[type];
  if (!g) throw new PaymentsError('gateway_unavailable', `No gateway adapter is available for accounts of type "${type}"`);
  return g;
}

registerGateway(paypalGateway);
