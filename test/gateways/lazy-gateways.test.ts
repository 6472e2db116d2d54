import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gatewayFor } from '../../src/gateways/registry.js';

// Stripe and PayPal are represented by stand-ins until first used (src/gateways/registry.ts):
// their static properties must be the adapters' own, and first use must load the adapter.
describe('lazily loaded gateway adapters', () => {
  it.each(['stripe', 'paypal'] as const)('%s: the stand-in has the adapter\'s static properties and loads it on first use', async (type) => {
    const stand = gatewayFor(type);
    const real = type === 'stripe'
      ? (await import('../../src/gateways/stripe/stripe-gateway.js')).stripeGateway
      : (await import('../../src/gateways/paypal/paypal-gateway.js')).paypalGateway;
    expect(stand.type).toBe(real.type);
    expect(stand.localInitiate).toBe(real.localInitiate);
    expect(stand.singleCapture ?? false).toBe(real.singleCapture ?? false);
    expect(typeof stand.parseWebhook).toBe('function');
    expect(typeof stand.retrieve).toBe('function');
    // A webhook with no signature is refused by the real adapter, reached through the stand-in.
    const account = { id: 1, identifier: 'x', type, testMode: true, captureMethod: 'manual', sessionLifetimeSec: 60, successUrl: null, cancelUrl: null, settings: {}, secrets: {} } as const;
    await expect(stand.parseWebhook!(account as never, '{}', {})).rejects.toThrow();
    expect(gatewayFor(type)).toBe(real);
  });

  it('a process that uses neither does not load their SDKs', () => {
    const run = (loadOne: boolean) => spawnSync(process.execPath, ['--import', 'tsx', 'test/gateways/support/lazy-probe.ts'], {
      cwd: process.cwd(), encoding: 'utf8', env: { ...process.env, LOAD_ONE: loadOne ? '1' : '0' },
    });
    const idle = run(false);
    expect(idle.stdout.trim()).toBe('stripe paypal');
    expect(idle.stderr).not.toContain('SDK ');
    // The probe works: loading the adapter resolves the SDK.
    expect(run(true).stderr).toContain('node_modules/stripe/');
  });
});
