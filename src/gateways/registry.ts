import { PaymentsError } from '../errors.js';
import type { AccountType, Gateway, GatewayAccount } from './gateway.js';
import { manualGateway } from './manual/manual-gateway.js';

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

/**
 * The Stripe and PayPal adapters load their official SDKs, which cost memory on import (measured
 * with Node 20: Stripe ≈ 19 MB of RSS, PayPal ≈ 29 MB). A process loads one only when an account
 * of that type is first used; until then it is represented by this stand-in, whose static
 * properties are the adapter's own (test/gateways/lazy-gateways.test.ts checks them) and whose
 * methods load the adapter, which then registers itself in its place.
 */
function lazyGateway(type: 'stripe' | 'paypal', statics: Pick<Gateway, 'localInitiate' | 'singleCapture'>, load: () => Promise<Gateway>): Gateway {
  let loading: Promise<Gateway> | undefined;
  const real = () => (loading ??= load().then((g) => {
    // Registered unless a test (or anything else) put another adapter in place meanwhile.
    if (gateways[type] === stand) registerGateway(g);
    return g;
  }));
  type Methods = Required<Pick<Gateway, 'initiate' | 'authorize' | 'capture' | 'refund' | 'cancel' | 'parseWebhook' | 'retrieve'>>;
  const call = <K extends keyof Methods>(name: K) =>
    (async (...args: Parameters<Methods[K]>) => ((await real())[name] as (...a: Parameters<Methods[K]>) => ReturnType<Methods[K]>)(...args)) as Methods[K];
  const stand: Gateway & { testConnection: (account: GatewayAccount) => Promise<{ ok: boolean; message: string }> } = {
    type,
    ...statics,
    initiate: call('initiate'),
    authorize: call('authorize'),
    capture: call('capture'),
    refund: call('refund'),
    cancel: call('cancel'),
    parseWebhook: call('parseWebhook'),
    retrieve: call('retrieve'),
    testConnection: async (account) => {
      const g = (await real()) as Gateway & { testConnection?: (a: GatewayAccount) => Promise<{ ok: boolean; message: string }> };
      return g.testConnection ? g.testConnection(account) : { ok: false, message: `The ${type} adapter offers no connection test` };
    },
  };
  return stand;
}

registerGateway(lazyGateway('stripe', { localInitiate: false, singleCapture: true }, async () => (await import('./stripe/stripe-gateway.js')).stripeGateway));
registerGateway(lazyGateway('paypal', { localInitiate: false }, async () => (await import('./paypal/paypal-gateway.js')).paypalGateway));
