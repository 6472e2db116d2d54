// Child process of lazy-gateways.test.ts: loads what a Tender process loads at start for
// payment accounts and the admin API, then (with LOAD_ONE=1) the Stripe adapter itself.
import { register } from 'node:module';

register(new URL('./sdk-probe.mjs', import.meta.url));
const { gatewayFor } = await import('../../../src/gateways/registry.js');
await import('../../../src/services/account-admin-connection.js');
await import('../../../src/services/account-admin-validation.js');
console.log(gatewayFor('stripe').type, gatewayFor('paypal').type);
if (process.env.LOAD_ONE === '1') await import('../../../src/gateways/stripe/stripe-gateway.js');
