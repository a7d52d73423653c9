import type { SystemsConfig } from '../../../connectors/config';
import { localHttpEnv } from '../../../functions/core/connectors';
import { StripeFake } from './stripe-fake';

export interface LocalSaas {
  /** name → URL and this start's key, for local.json (0600: `dsar check-systems --local` probes with them) */
  apis: Record<string, { url: string; key: string }>;
  /** the Stripe fakes by name (the demo reads what it holds) */
  stripe: Map<string, StripeFake>;
  stop(): Promise<void>;
}

/** The local APIs a systems configuration names (`"baseUrl": { "local": NAME }`), with the preset each stands in for. */
export function localSaasNames(systems: SystemsConfig): { name: string; preset: string | undefined }[] {
  const byName = new Map<string, string | undefined>();
  for (const system of systems.systems)
    if (system.type === 'http' && typeof system.baseUrl !== 'string') byName.set(system.baseUrl.local, system.preset);
  return [...byName].map(([name, preset]) => ({ name, preset }));
}

/**
 * Starts a fake for every local API the systems configuration names, on loopback, and points the functions at it
 * (`DSAR_HTTP_URL_<NAME>`, `DSAR_HTTP_SECRET_<NAME>`: a fresh key each start). Its records live in memory: a restarted
 * twin starts it again from the seed. With `seed`, a Stripe fake gets these customers.
 */
export async function startLocalSaas(
  systems: SystemsConfig,
  options: { seed?: readonly { customerId: string; email: string; name: string }[] } = {},
): Promise<LocalSaas> {
  const apis: Record<string, { url: string; key: string }> = {};
  const stripe = new Map<string, StripeFake>();
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    for (const { name, preset } of localSaasNames(systems)) {
      if (preset !== 'stripe')
        throw new TypeError(
          `local API '${name}': the twin has a fake for the stripe preset only, not ${preset ?? 'none'}`,
        );
      const fake = await StripeFake.start();
      closers.push(() => fake.api.close());
      fake.seed(
        (options.seed ?? []).map((person, i) => ({
          id: `cus_demo${String(i + 1).padStart(6, '0')}`,
          email: person.email,
          name: person.name,
          metadata: { app_customer_id: person.customerId, marketing: 'in' },
        })),
      );
      stripe.set(name, fake);
      apis[name] = { url: fake.api.url, key: fake.api.apiKey };
      const env = localHttpEnv(name);
      process.env[env.url] = fake.api.url;
      process.env[env.secret] = fake.api.apiKey;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { apis, stripe, stop };
}
