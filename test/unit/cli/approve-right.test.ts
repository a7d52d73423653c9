import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../../infra/cli/commands';
import type { RightChoice } from '../../../functions/operator-decision/operator-decision';
import { requestView } from '../../../infra/cli/requests';
import { aRequest } from '../../support/fakes';

const ID = '0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c';

/** `dsar` with an operator that records what it was asked, so the parsing alone is tested. */
async function run(argv: string[]) {
  const approved: { requestId: string; choice?: RightChoice }[] = [];
  const operator = {
    approve: async (requestId: string, choice?: RightChoice) => {
      approved.push(choice ? { requestId, choice } : { requestId });
    },
    deny: async () => undefined,
    clarify: async () => ({ paused: false }),
    cancel: async () => undefined,
  };
  const err: string[] = [];
  const code = await main(argv, { out: () => undefined, err: (line) => err.push(line) }, { operator });
  return { code, approved, err: err.join('\n') };
}

describe('Function: main (dsar)', () => {
  describe('Command: approve --right', () => {
    it('passes the right and scope an operator set for an unclear mail', async () => {
      // Act
      const { code, approved } = await run(['approve', ID, '--right', 'opt_out', '--scope', 'sale_sharing']);

      // Assess
      expect(code).toBe(EXIT.ok);
      expect(approved).toEqual([{ requestId: ID, choice: { right: 'opt_out', scope: 'sale_sharing' } }]);
    });

    it('approves without a right as before', async () => {
      // Act
      const { code, approved } = await run(['approve', ID]);

      // Assess
      expect(code).toBe(EXIT.ok);
      expect(approved).toEqual([{ requestId: ID }]);
    });

    it.each([
      [['approve', ID, '--right', 'everything']],
      [['approve', ID, '--scope', 'marketing']],
      [['approve', ID, '--right', 'deletion', '--scope', 'nowhere']],
      [['deny', ID, '--reason', 'x', '--right', 'deletion']],
    ])('refuses %j as a usage error, deciding nothing', async (argv) => {
      // Act
      const { code, approved, err } = await run(argv);

      // Assess
      expect(code).toBe(EXIT.usage);
      expect(approved).toEqual([]);
      expect(err).toMatch(/Usage: dsar/);
    });
  });
});

describe('Function: requestView', () => {
  const held = aRequest({
    typeUnclear: true,
    mailText: 'Question\nWhat happens with my stuff?',
    status: 'verified',
    decision: {
      outcome: 'hold',
      reasons: [{ code: 'type_unclear', source: 'GDPR Art. 12(2)' }],
      at: '2026-12-02T12:00:00.000Z',
      profile: { id: 'softpire', version: '1.0.0' },
      by: 'policy',
    },
  });

  it("shows an unclear mail's words while the request waits for its right", () => {
    // Act
    const view = requestView(held);

    // Assess
    expect(view.mailText).toBe('Question\nWhat happens with my stuff?');
  });

  it('shows them no more once the operator decided', () => {
    // Prepare
    const decided = { ...held, decision: { ...held.decision, outcome: 'go' as const, by: 'operator' as const } };

    // Act
    const view = requestView(decided as typeof held);

    // Assess
    expect(view.mailText).toBeUndefined();
  });
});
