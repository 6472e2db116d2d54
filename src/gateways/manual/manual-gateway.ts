import type { Gateway } from '../gateway.js';

/**
 * Custom accounts: cash, bank transfer, cash on delivery. Nothing leaves Tender: the session
 * waits (`waiting`) until the merchant records the money as received through the admin API;
 * captures and refunds are records of what the merchant did by hand.
 */
export const manualGateway: Gateway = {
  type: 'custom',
  localInitiate: true,
  async initiate() {
    return { gatewayStatus: 'waiting', gatewayRef: null, paymentUrl: null };
  },
  async authorize() {
    return { outcome: 'requires_more', gatewayStatus: 'waiting', reason: 'Awaiting the merchant to record the payment as received' };
  },
  async capture() {
    return { outcome: 'succeeded', gatewayRef: null, gatewayStatus: 'captured' };
  },
  async refund() {
    return { outcome: 'succeeded', gatewayRef: null, gatewayStatus: 'refunded' };
  },
  async cancel() {
    return { outcome: 'succeeded', gatewayRef: null, gatewayStatus: 'canceled' };
  },
};
