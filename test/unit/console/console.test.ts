import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { currentActor, currentOperator } from '../../../functions/core/audit/actor';
import { ACTIONS, ConsoleUseCases, consoleQueue, validActions } from '../../../functions/console/console';
import { CsrfRefusedError, NothingToRetryError, SignInThrottledError } from '../../../functions/console/errors';
import { RetryRequest } from '../../../functions/console/retry';
import {
  allowedOrigins,
  checkCsrf,
  csrfToken,
  hashCredential,
  keyIdOf,
  LocalSignIn,
  MAX_FAILURES,
} from '../../../functions/console/session';
import { aRequest, MemoryRequests, MemoryWorkflow } from '../../support/fakes';

const NOW = new Date('2026-12-05T12:00:00Z');
const rec = (id: string, overrides: Parameters<typeof aRequest>[0] = {}) =>
  aRequest({ requestId: id, status: 'locating', ...overrides });

describe('Function: consoleQueue', () => {
  const records = [
    rec('later', { dueDate: '2026-12-20' }),
    rec('late', { dueDate: '2026-12-01' }),
    rec('held', {
      status: 'verified',
      dueDate: '2026-12-10',
      decision: { outcome: 'hold', reasons: [], profile: { id: 'p', version: '1' } } as never,
    }),
    rec('failed', { dueDate: '2026-12-15', attention: { step: 'PlanRequest', error: 'Boom', at: NOW.toISOString() } }),
    rec('done', { status: 'completed', dueDate: '2026-11-30' }),
  ];

  it('lists the open requests by due date, the earliest first, with days left (negative: late)', () => {
    // Act
    const rows = consoleQueue(records, 'open', NOW);

    // Assess
    expect(rows.map((r) => r.requestId)).toEqual(['late', 'held', 'failed', 'later']);
    expect(rows[0]?.daysLeft).toBe(-4);
  });

  it.each([
    ['held', ['held']],
    ['late', ['late']],
    ['attention', ['failed']],
    ['done', ['done']],
    ['all', ['done', 'late', 'held', 'failed', 'later']],
  ] as const)('filters by %s', (filter, ids) => {
    // Act
    const rows = consoleQueue(records, filter, NOW);

    // Assess
    expect(rows.map((r) => r.requestId)).toEqual(ids);
  });
});

describe('Function: validActions', () => {
  it('offers the decisions on a held request, and retry only where a run failed', () => {
    // Prepare
    const held = rec('h', {
      status: 'verified',
      decision: { outcome: 'hold', reasons: [], profile: { id: 'p', version: '1' } } as never,
    });

    // Act
    const onHeld = validActions(held);
    const onFailed = validActions(rec('f', { attention: { step: 'Deliver', error: 'X', at: NOW.toISOString() } }));
    const onDone = validActions(rec('d', { status: 'completed' }));

    // Assess
    expect(onHeld).toEqual(['approve', 'deny', 'clarify', 'extend', 'cancel']);
    expect(onFailed).toEqual(['extend', 'retry']);
    expect(onDone).toEqual([]);
  });

  it('offers no extension once the clock says the law gives none (already taken, or none in this law)', () => {
    // Prepare
    const clock = {
      pack: 'gdpr',
      packVersion: '1',
      type: 'access',
      startedOn: '2026-11-01',
      startReason: 'receipt',
      dueOn: '2027-02-01',
      extension: { available: false, extendedOn: '2026-11-20', extendedTo: '2027-02-01' },
      pauses: [],
    };

    // Act
    const actions = validActions(rec('x', { clock } as never));

    // Assess
    expect(actions).not.toContain('extend');
  });
});

describe('Class: ConsoleUseCases', () => {
  describe('Method: act', () => {
    it.each(ACTIONS)('runs %s through its use case as the signed-in operator', async (action) => {
      // Prepare
      const seen: unknown[] = [];
      const record = (requestId: string) => {
        seen.push([currentActor(), currentOperator(), requestId]);
      };
      const console = new ConsoleUseCases({
        requests: new MemoryRequests(),
        audit: { history: async () => [] },
        decisions: {
          approve: async (id) => record(id),
          deny: async (id) => record(id),
          clarify: async (id) => {
            record(id);
            return { paused: false };
          },
          cancel: async (id) => record(id),
        },
        extend: {
          execute: async (id) => {
            record(id);
            return { dueDate: '2027-01-01', previous: '2026-12-01' };
          },
        },
        retry: {
          execute: async (id) => {
            record(id);
            return { execution: 'x-r1' };
          },
        },
      });

      // Act
      const outcome = await console.act(action, 'r1', 'because', 'sub-42');

      // Assess
      expect(seen).toEqual([['operator', 'sub-42', 'r1']]);
      expect(outcome.done).toBeDefined();
    });
  });
});

describe('Class: RetryRequest', () => {
  describe('Method: execute', () => {
    it('starts a failed request afresh under a new execution name', async () => {
      // Prepare
      const requests = new MemoryRequests();
      const workflow = new MemoryWorkflow();
      await requests.create(rec('r1', { attention: { step: 'Deliver', error: 'X', at: NOW.toISOString() } }));
      workflow.states.set('r1', 'failed');

      // Act
      const { execution } = await new RetryRequest(requests, workflow).execute('r1');

      // Assess
      expect(execution).toBe('r1-r1');
      expect(workflow.names).toEqual(['r1-r1']);
      expect((await requests.get('r1'))?.restarts).toBe(1);
    });

    it('refuses a request whose run did not fail, one still running, and one that has ended', async () => {
      // Prepare
      const requests = new MemoryRequests();
      const workflow = new MemoryWorkflow();
      await requests.create(rec('fine'));
      await requests.create(rec('running', { status: 'retrying' }));
      await requests.create(rec('ended', { status: 'partially_completed' }));
      workflow.states.set('running', 'running');
      const retry = new RetryRequest(requests, workflow);

      // Act
      const outcomes = await Promise.allSettled(['fine', 'running', 'ended'].map((id) => retry.execute(id)));

      // Assess
      for (const outcome of outcomes)
        expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(NothingToRetryError);
      expect(workflow.names).toEqual([]);
    });
  });
});

describe('Function: checkCsrf', () => {
  const session = 'header.payload.signature';
  const origins = allowedOrigins('http://127.0.0.1:8787');

  it('admits the session’s own token from the API’s own origin (either loopback name)', () => {
    // Act
    const act = () => {
      checkCsrf({ session, token: csrfToken(session), origin: 'http://127.0.0.1:8787', origins });
      checkCsrf({ session, token: csrfToken(session), origin: 'http://localhost:8787', origins });
    };

    // Assess
    expect(act).not.toThrow();
  });

  it.each([
    ['a missing token', undefined, 'http://127.0.0.1:8787'],
    ['another session’s token', csrfToken('other.session.token'), 'http://127.0.0.1:8787'],
    ['another origin', csrfToken(session), 'https://attacker.example'],
    ['no Origin', csrfToken(session), undefined],
  ])('refuses %s', (_, token, origin) => {
    // Act
    const act = () => checkCsrf({ session, token, origin, origins });

    // Assess
    expect(act).toThrow(CsrfRefusedError);
  });
});

describe('Class: LocalSignIn', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const stored = hashCredential('right-credential');

  describe('Method: signIn', () => {
    it('issues a signed session for the right credential', () => {
      // Act
      const { token, operator } = new LocalSignIn(
        () => stored,
        () => ({ pem, kid: keyIdOf(pem) }),
        () => NOW,
      ).signIn('right-credential');

      // Assess
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
      expect(operator).toBe('local-operator');
      expect(claims).toMatchObject({ sub: 'local-operator', exp: Math.floor(NOW.getTime() / 1000) + 1800 });
    });

    it('refuses every sign-in, the right credential too, after repeated wrong ones', () => {
      // Prepare
      const signIn = new LocalSignIn(
        () => stored,
        () => ({ pem, kid: 'k' }),
        () => NOW,
      );
      for (let i = 0; i < MAX_FAILURES; i++) expect(() => signIn.signIn('wrong')).toThrow('the credential is wrong');

      // Act
      const act = () => signIn.signIn('right-credential');

      // Assess
      expect(act).toThrow(SignInThrottledError);
    });
  });
});
