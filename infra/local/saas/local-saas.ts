import type { SystemsConfig } from '../../../connectors/config';
import { localHttpEnv } from '../../../functions/core/connectors';
import { MailchimpFake } from './mailchimp-fake';
import { StripeFake } from './stripe-fake';
import { ZendeskFake } from './zendesk-fake';

export interface LocalSaas {
  /** name → URL and this start's key, for local.json (0600: `dsar check-systems --local` probes with them) */
  apis: Record<string, { url: string; key: string }>;
  /** the Stripe fakes by name (the demo reads what they hold) */
  stripe: Map<string, StripeFake>;
  stop(): Promise<void>;
}

/** A demo person as the fakes are seeded with them. */
export interface SeedPerson {
  customerId: string;
  email: string;
  name: string;
}

/** The local APIs a systems configuration names (`"baseUrl": { "local": NAME }`), with the preset each stands in for. */
export function localSaasNames(
  systems: SystemsConfig,
): { name: string; preset: string | undefined; vars: Record<string, string> }[] {
  const byName = new Map<string, { preset: string | undefined; vars: Record<string, string> }>();
  for (const system of systems.systems)
    if (system.type === 'http' && typeof system.baseUrl !== 'string')
      byName.set(system.baseUrl.local, { preset: system.preset, vars: system.vars });
  return [...byName].map(([name, found]) => ({ name, ...found }));
}

type StartedApi = { url: string; key: string; close(): Promise<void>; stripe?: StripeFake };

/** The fake of one preset, seeded with the demo's people. */
async function startFake(
  name: string,
  preset: string | undefined,
  vars: Record<string, string>,
  people: readonly SeedPerson[],
): Promise<StartedApi> {
  if (preset === 'stripe') {
    const fake = await StripeFake.start();
    fake.seed(
      people.map((person, i) => ({
        id: `cus_demo${String(i + 1).padStart(6, '0')}`,
        email: person.email,
        name: person.name,
        metadata: { app_customer_id: person.customerId, marketing: 'in' },
      })),
    );
    return { url: fake.api.url, key: fake.api.apiKey, close: () => fake.api.close(), stripe: fake };
  }
  if (preset === 'zendesk') {
    const fake = await ZendeskFake.start();
    fake.seed(people.map((person) => ({ email: person.email, name: person.name, external_id: person.customerId })));
    return { url: fake.api.url, key: fake.api.apiKey, close: () => fake.api.close() };
  }
  if (preset === 'mailchimp') {
    const fake = await MailchimpFake.start(vars.list);
    fake.seed(
      people.map((person) => ({ email: person.email, merge_fields: { FNAME: person.name.split(' ')[0] ?? '' } })),
    );
    // basic authentication: any user name, then the key
    return { url: fake.api.url, key: `anystring:${fake.api.apiKey}`, close: () => fake.api.close() };
  }
  throw new TypeError(`local API '${name}': the twin has fakes for the stripe, zendesk and mailchimp presets only`);
}

/**
 * Starts a fake for every local API the systems configuration names, on loopback, and points the functions at it
 * (`DSAR_HTTP_URL_<NAME>`, `DSAR_HTTP_SECRET_<NAME>`: a fresh key each start). Its records live in memory: a restarted
 * twin starts it again from the seed (`seed`: the demo's people).
 */
export async function startLocalSaas(
  systems: SystemsConfig,
  options: { seed?: readonly SeedPerson[] } = {},
): Promise<LocalSaas> {
  const apis: Record<string, { url: string; key: string }> = {};
  const stripe = new Map<string, StripeFake>();
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    for (const { name, preset, vars } of localSaasNames(systems)) {
      const api = await startFake(name, preset, vars, options.seed ?? []);
      closers.push(api.close);
      if (api.stripe) stripe.set(name, api.stripe);
      apis[name] = { url: api.url, key: api.key };
      const env = localHttpEnv(name);
      process.env[env.url] = api.url;
      process.env[env.secret] = api.key;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { apis, stripe, stop };
}
