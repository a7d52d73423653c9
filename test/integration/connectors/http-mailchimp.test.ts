import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemsConfig } from '../../../connectors/config';
import { ConnectorConfigError } from '../../../connectors/errors';
import { HttpConnector } from '../../../connectors/http/http-connector';
import { drain } from '../../../connectors/pass';
import { MailchimpFake, subscriberHash } from '../../../infra/local/saas/mailchimp-fake';
import { INJECTIONS } from '../../contract/connector-contract';

/**
 * The Mailchimp preset against the local fake. Mailchimp holds one member per address (keyed by the MD5 of the
 * lower-cased address), so the contract suite's population of several records per subject does not fit; these cases
 * cover the same rules: exactly the subject, every spelling of her address, erasure for good, the change written once,
 * injection-shaped identities finding nothing, the walk for re-applying deletions.
 */
describe('Preset: mailchimp (against the local fake)', () => {
  let fake: MailchimpFake;
  const connector = (key?: string) => {
    const config = SystemsConfig.parse({
      version: 1,
      systems: [
        {
          id: 'newsletter',
          type: 'http',
          preset: 'mailchimp',
          baseUrl: { local: 'mailchimp' },
          auth: { secret: 'mailchimp/key' },
          vars: { list: fake.listId },
          holds: { categories: ['identifiers'], purpose: 'newsletter' },
          erasure: { strategy: 'delete' },
          correctable: { name: { field: 'merge_fields.FNAME' } },
          flags: { marketing: { field: 'status', on: 'unsubscribed', off: 'subscribed' } },
        },
      ],
    });
    const [system] = config.systems;
    if (system?.type !== 'http') throw new TypeError('not http');
    return new HttpConnector(
      system,
      {
        // basic authentication: any user name, then the API key
        secret: async () => `anystring:${key ?? fake.api.apiKey}`,
        localUrl: () => fake.api.url,
        sleep: async () => undefined,
      },
      { anonymizationKey: 'k' },
    );
  };
  const located = async (email: string) => {
    const found: unknown[] = [];
    await drain(connector().locate({ email }), (record) => {
      found.push(record);
    });
    return found;
  };

  beforeAll(async () => {
    fake = await MailchimpFake.start();
    fake.seed([
      { email: 'Ada@Example.com', merge_fields: { FNAME: 'Ada' } },
      { email: 'xada@example.com', merge_fields: { FNAME: 'Xavier' } },
      ...Array.from({ length: 1500 }, (_, i) => ({ email: `reader${i}@example.org` })),
    ]);
  });
  afterAll(async () => {
    await fake?.api.close();
  });

  it('finds the subject’s member by the hash of her address, whatever its spelling, and nobody else', async () => {
    // Act & Assess
    expect(await located(' ADA@example.COM ')).toEqual([
      expect.objectContaining({ id: subscriberHash('ada@example.com'), email_address: 'Ada@Example.com' }),
    ]);
    expect(await located('nobody@example.com')).toEqual([]);
  });

  it.each(INJECTIONS.map((value) => [JSON.stringify(value).slice(0, 30), value]))(
    'an injection-shaped identity %s finds nothing and erases nothing',
    async (_label, value) => {
      // Prepare
      const before = fake.all().length;

      // Act
      const found = await located(value);
      const erased = await connector().erase({ email: value });

      // Assess
      expect(found).toEqual([]);
      expect(erased).toEqual({ deleted: 0, anonymized: 0, retained: 0, unreadable: 0 });
      expect(fake.all()).toHaveLength(before);
    },
  );

  it('writes a correction and an unsubscribe once; a second run finds them already so', async () => {
    // Act
    const corrected = await connector().correct({ email: 'ada@example.com' }, [
      { attribute: 'name', value: 'Augusta' },
    ]);
    const flagged = await connector().setFlags({ email: 'ada@example.com' }, [{ flag: 'marketing', on: true }]);
    const again = await connector().setFlags({ email: 'ada@example.com' }, [{ flag: 'marketing', on: true }]);

    // Assess
    expect(corrected).toMatchObject({ matched: 1, changed: 1 });
    expect(flagged).toMatchObject({ matched: 1, changed: 1 });
    expect(again).toMatchObject({ matched: 1, changed: 0, unchanged: 1 });
    expect(fake.all().find((m) => m.id === subscriberHash('ada@example.com'))).toMatchObject({
      status: 'unsubscribed',
      merge_fields: { FNAME: 'Augusta' },
    });
  });

  it('walks every member across offset pages for re-applying deletions', async () => {
    // Act
    const values: string[] = [];
    await drain(connector().identities('email'), (value) => {
      values.push(value);
    });

    // Assess
    expect(values).toHaveLength(1502);
    expect(values).toContain('xada@example.com');
  });

  it('deletes the member permanently; a second run finds nothing; a refused key is a configuration error', async () => {
    // Act
    const first = await connector().erase({ email: 'ada@example.com' });
    const second = await connector().erase({ email: 'ada@example.com' });
    const refused = await connector('wrong')
      .erase({ email: 'xada@example.com' })
      .catch((error: unknown) => error);

    // Assess
    expect(first.deleted).toBe(1);
    expect(second.deleted).toBe(0);
    expect(fake.all().map((m) => m.email_address)).not.toContain('Ada@Example.com');
    expect(fake.all().map((m) => m.email_address)).toContain('xada@example.com');
    expect(refused).toBeInstanceOf(ConnectorConfigError);
  });
});
