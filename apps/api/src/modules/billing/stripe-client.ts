import type { FactoryProvider } from '@nestjs/common';
import { EnvironmentVariables } from '@relay/config';
import Stripe from 'stripe';

/** Injection token of the Stripe client; null when billing is off (no STRIPE_SECRET_KEY). */
export const STRIPE_CLIENT = Symbol('STRIPE_CLIENT');

/** Longest wait for one Stripe API call, ms; the SDK retries network errors twice more. */
const STRIPE_TIMEOUT_MS = 10_000;

/**
 * The Stripe client, pointed at STRIPE_API_BASE when set (tests use a local stand-in: the real API
 * cannot be reached from here).
 */
export const stripeClientProvider: FactoryProvider<Stripe | null> = {
  provide: STRIPE_CLIENT,
  inject: [EnvironmentVariables],
  useFactory: (env: EnvironmentVariables) => {
    if (!env.STRIPE_SECRET_KEY) return null;
    const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
    return new Stripe(env.STRIPE_SECRET_KEY, {
      maxNetworkRetries: 2,
      timeout: STRIPE_TIMEOUT_MS,
      telemetry: false,
      ...(base
        ? {
            host: base.hostname,
            port: base.port || (base.protocol === 'http:' ? 80 : 443),
            protocol: base.protocol === 'http:' ? 'http' : 'https',
          }
        : {}),
    });
  },
};
