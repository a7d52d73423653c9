import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentActor, currentOperator } from '../../../functions/core/audit/actor';
import { cliOperator, EXIT, main } from '../../../infra/cli/commands';

const DEMO = resolve(import.meta.dirname, '../../../infra/config/systems.json');

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('Function: main (dsar)', () => {
  describe('Command: systems', () => {
    it('prints the demo data map: every system with its facts, then the recipients', async () => {
      // Act
      const { code, out } = await run(['systems', '--systems', DEMO]);

      // Assess
      expect(code).toBe(EXIT.ok);
      const [header, , customers, clickstream] = out.split('\n');
      expect(header?.split(/\s{2,}/)).toEqual([
        'system',
        'type',
        'identities',
        'categories',
        'purpose',
        'source',
        'recipients',
        'retention',
        'erasure',
      ]);
      expect(customers).toMatch(/^customers\s+dynamodb\s+email: email \(index byEmail\)\s+identifiers, commercial/);
      expect(customers).toMatch(/P6Y\s+delete$/);
      expect(clickstream).toMatch(/^clickstream\s+s3-objects/);
      expect(out).toMatch(/Newsletter Mailer Ltd\s+processor\s+email delivery providers\s+email\s+no\s+no/);
    });

    it('gives the data map as JSON with --json', async () => {
      // Act
      const { code, out } = await run(['systems', '--systems', DEMO, '--json']);

      // Assess
      expect(code).toBe(EXIT.ok);
      const parsed = JSON.parse(out) as { systems: { system: string }[]; recipients: { role: string }[] };
      expect(parsed.systems.map((row) => row.system)).toEqual(['customers', 'clickstream']);
      expect(parsed.recipients[0]?.role).toBe('processor');
    });

    it('lists a manual system with its owner, and check-systems passes it without reaching for it', async () => {
      // Prepare
      const file = join(mkdtempSync(join(tmpdir(), 'dsar-cli-')), 'systems.json');
      writeFileSync(
        file,
        JSON.stringify({
          version: 1,
          systems: [
            {
              id: 'paper-files',
              type: 'manual',
              description: 'signed forms',
              owner: { name: 'Records office', contact: { email: 'records@example.com' } },
              holds: { categories: ['signatures'], purpose: 'membership' },
              erasure: { strategy: 'delete' },
            },
          ],
        }),
      );

      // Act
      const listed = await run(['systems', '--systems', file]);
      const checked = await run(['check-systems', '--systems', file, '--json']);

      // Assess
      expect(listed.out).toMatch(/^paper-files\s+manual\s+email \(asked of Records office\)\s+signatures/m);
      expect(checked.code).toBe(EXIT.ok);
      expect(JSON.parse(checked.out)).toEqual([
        {
          system: 'paper-files',
          type: 'manual',
          report: {
            reachable: true,
            checks: [{ name: 'owner', ok: true, detail: 'Records office is asked by email' }],
          },
        },
      ]);
    });

    it("exits 2 with the loader's message for an invalid file", async () => {
      // Prepare
      const file = join(mkdtempSync(join(tmpdir(), 'dsar-cli-')), 'systems.json');
      writeFileSync(file, JSON.stringify({ version: 1, systems: [] }));

      // Act
      const { code, err } = await run(['systems', '--systems', file]);

      // Assess
      expect(code).toBe(EXIT.usage);
      expect(err).toContain(`Invalid systems config ${file}`);
    });
  });

  describe('Usage', () => {
    it('exits 2 for an unknown command or option, 0 for --help', async () => {
      // Act & Assess
      expect((await run(['nope'])).code).toBe(EXIT.usage);
      expect((await run(['systems', '--bogus'])).code).toBe(EXIT.usage);
      const help = await run(['check-systems', '--help']);
      expect(help.code).toBe(EXIT.ok);
      expect(help.out).toContain('without reading');
    });
  });
});

describe('Function: main (dsar, who acts)', () => {
  it('runs a decision and an extension as the operator named by the OS account, for the audit trail', async () => {
    // Prepare
    const seen: unknown[] = [];
    const note = () => {
      seen.push([currentActor(), currentOperator()]);
    };
    const options = {
      operator: {
        approve: async () => note(),
        deny: async () => note(),
        cancel: async () => note(),
        clarify: async () => {
          note();
          return { paused: false };
        },
      },
      extend: {
        execute: async () => {
          note();
          return { dueDate: '2027-01-01', previous: '2026-12-01' };
        },
      },
    };
    const io = { out: () => undefined, err: () => undefined };

    // Act
    const approved = await main(['approve', 'r1', '--systems', DEMO], io, options);
    const extended = await main(['extend', 'r1', '--reason', 'more time', '--systems', DEMO], io, options);

    // Assess
    expect([approved, extended]).toEqual([EXIT.ok, EXIT.ok]);
    expect(seen).toEqual([
      ['operator', cliOperator()],
      ['operator', cliOperator()],
    ]);
    expect(cliOperator()).toMatch(/^cli:.+/);
  });
});
