import { describe, expect, it } from 'vitest';
import { VerifyIdentity } from '../../../functions/verify-identity/verify-identity';
import { InvalidTokenError } from '../../../functions/core/domain/errors';
import type { RequestRecord } from '../../../functions/core/domain/request-record';
import { Sweep } from '../../../functions/sweep/sweep';
import { MemoryRequests, MemoryTokens, MemoryWorkflow, aRequest } from '../../support/fakes';

const NOW = new Date('2026-11-02T09:00:00Z');

describe('Class: VerifyIdentity', () => {
  it('records only the verified address, consumes the token and starts the workflow once', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    const workflow = new MemoryWorkflow();
    await requests.create(
      aRequest({ status: 'pending_verification', subject: { email: 'ada@example.com', name: 'Ada' } }),
    );
    const token = await tokens.issue('verify', aRequest().requestId, 60);
    const verify = new VerifyIdentity(requests, tokens, workflow, () => NOW);

    // Act
    await verify.execute(token);
    const second = verify.execute(token);

    // Assess
    await expect(second).rejects.toBeInstanceOf(InvalidTokenError);
    expect(await requests.get(aRequest().requestId)).toMatchObject({
      status: 'verified',
      verified: { email: 'ada@example.com' },
      verifiedAt: NOW.toISOString(),
    });
    expect(workflow.started).toEqual([aRequest().requestId]);
  });

  it.each([
    ['a forged token', 'forged-token-0000000000000000000000000000'],
    ['no token', undefined],
  ])('refuses %s and changes nothing', async (_, token) => {
    // Prepare
    const requests = new MemoryRequests();
    const workflow = new MemoryWorkflow();
    await requests.create(aRequest({ status: 'pending_verification' }));

    // Act
    const result = new VerifyIdentity(requests, new MemoryTokens(), workflow).execute(token);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InvalidTokenError);
    expect((await requests.get(aRequest().requestId))?.status).toBe('pending_verification');
    expect(workflow.started).toHaveLength(0);
  });

  it('refuses a download token used as a verification token', async () => {
    // Prepare
    const requests = new MemoryRequests();
    const tokens = new MemoryTokens();
    await requests.create(aRequest({ status: 'pending_verification' }));
    const downloadToken = await tokens.issue('download', aRequest().requestId, 60);

    // Act
    const result = new VerifyIdentity(requests, tokens, new MemoryWorkflow()).execute(downloadToken);

    // Assess
    await expect(result).rejects.toBeInstanceOf(InvalidTokenError);
  });
});

describe('Class: Sweep', () => {
  const HOUR = 3_600_000;
  const id = (n: number) => `0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b${String(n).padStart(2, '0')}`;

  async function world(records: Partial<RequestRecord>[]) {
    const requests = new MemoryRequests();
    const workflow = new MemoryWorkflow();
    for (const [i, overrides] of records.entries())
      await requests.create(aRequest({ requestId: id(i), subjectHash: 'h'.repeat(64), ...overrides }));
    const sweep = new Sweep({ requests, executions: workflow, downloadTtlSeconds: 7 * 24 * 3600, now: () => NOW });
    return { requests, workflow, sweep };
  }
  const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

  it('keeps the address of a denial while it may be appealed, and forgets it once the appeal window closed', async () => {
    // Prepare
    const decision = (appealUntil: string) => ({
      outcome: 'deny' as const,
      reasons: [{ code: 'right_not_offered' as const, source: 'Va. Code §59.1-577(A)' }],
      at: ago(HOUR),
      profile: { id: 'rsoft', version: '1.0.0' },
      appealUntil,
    });
    const { requests, sweep } = await world([
      { status: 'rejected', decision: decision(new Date(NOW.getTime() + HOUR).toISOString()) },
      { status: 'rejected', decision: decision(ago(1000)) },
    ]);

    // Act
    await sweep.execute();

    // Assess
    expect((await requests.load(id(0))).subject).toBeDefined();
    expect((await requests.load(id(1))).subject).toBeUndefined();
  });

  it('expires an unverified request whose link has expired, and forgets its address (keeping the keyed hash), once', async () => {
    // Prepare
    const { requests, sweep } = await world([
      { status: 'pending_verification', verificationExpiresAt: ago(1000) },
      { status: 'pending_verification', verificationExpiresAt: new Date(NOW.getTime() + HOUR).toISOString() },
    ]);

    // Act
    const first = await sweep.execute();
    const second = await sweep.execute();

    // Assess
    expect(first.expired).toBe(1);
    expect(second.expired).toBe(0);
    const expired = requests.records.get(id(0));
    expect(expired).toMatchObject({ status: 'expired', subjectHash: 'h'.repeat(64), completedAt: NOW.toISOString() });
    expect(expired?.subject).toBeUndefined();
    expect(requests.records.get(id(1))?.status).toBe('pending_verification');
  });

  it('starts a confirmed request that has no execution, and leaves one whose execution runs', async () => {
    // Prepare
    const { workflow, sweep } = await world([
      { status: 'verified', updatedAt: ago(10 * 60_000) },
      { status: 'verified', updatedAt: ago(10 * 60_000) },
      { status: 'verified', updatedAt: ago(1000) },
    ]);
    workflow.states.set(id(1), 'running');

    // Act
    const report = await sweep.execute();

    // Assess: the third was confirmed a second ago, its StartExecution may still be on its way
    expect(workflow.started).toEqual([id(0)]);
    expect(report).toMatchObject({ started: 1, restarted: 0, stuck: 0, recovered: [id(0)] });
  });

  it('restarts a working request whose execution failed under a new name, and reports one whose execution ended without it', async () => {
    // Prepare
    const { requests, workflow, sweep } = await world([
      { status: 'assembling', updatedAt: ago(2 * HOUR) },
      { status: 'locating', updatedAt: ago(2 * HOUR) },
      { status: 'locating', updatedAt: ago(60_000) },
    ]);
    workflow.states.set(id(0), 'failed');
    workflow.states.set(id(1), 'succeeded');
    workflow.states.set(id(2), 'failed');

    // Act
    const report = await sweep.execute();

    // Assess
    expect(workflow.names).toEqual([`${id(0)}-r1`]);
    expect(requests.records.get(id(0))?.restarts).toBe(1);
    expect(report).toMatchObject({ restarted: 1, stuck: 1 });
  });

  it('forgets an answered access request once its download window has closed, not before', async () => {
    // Prepare
    const { requests, sweep } = await world([
      { status: 'completed', deliveredAt: ago(8 * 24 * HOUR), documentKey: 'exports/a.json' },
      { status: 'completed', deliveredAt: ago(HOUR), documentKey: 'exports/b.json' },
      { status: 'cancelled', subject: { email: 'ada@example.com' } },
    ]);

    // Act
    const report = await sweep.execute();

    // Assess
    expect(report.forgotten).toBe(2);
    expect(requests.records.get(id(0))?.subject).toBeUndefined();
    expect(requests.records.get(id(0))?.documentKey).toBe('exports/a.json');
    expect(requests.records.get(id(1))?.subject).toEqual({ email: 'ada@example.com' });
    expect(requests.records.get(id(2))?.subject).toBeUndefined();
  });

  it('starts the next attempt of a partial deletion when it is due, and not before', async () => {
    // Prepare
    const { requests, workflow, sweep } = await world([
      {
        type: 'deletion',
        status: 'retrying',
        updatedAt: ago(2 * HOUR),
        retry: { systems: ['a'], attempts: 0, nextAt: ago(1000) },
      },
      {
        type: 'deletion',
        status: 'retrying',
        updatedAt: ago(2 * HOUR),
        retry: { systems: ['a'], attempts: 0, nextAt: new Date(NOW.getTime() + HOUR).toISOString() },
      },
    ]);
    workflow.states.set(id(0), 'succeeded');
    workflow.states.set(id(1), 'succeeded');

    // Act
    const report = await sweep.execute();
    workflow.states.set(`${id(0)}-r1`, 'running');
    const again = await sweep.execute();

    // Assess: a retry's first run ended on purpose, so it is not stuck; the due one starts under a new name, once
    expect(workflow.names).toEqual([`${id(0)}-r1`]);
    expect(requests.records.get(id(0))?.restarts).toBe(1);
    expect(report).toMatchObject({ restarted: 1, stuck: 0 });
    expect(again.restarted).toBe(1 - 1);
  });

  it('gives up restarting a request that keeps failing, and reports it', async () => {
    // Prepare
    const { workflow, sweep } = await world([{ status: 'assembling', updatedAt: ago(2 * HOUR), restarts: 5 }]);
    workflow.states.set(`${id(0)}-r5`, 'failed');

    // Act
    const report = await sweep.execute();

    // Assess
    expect(workflow.names).toEqual([]);
    expect(report).toMatchObject({ restarted: 0, stuck: 1 });
  });

  it('counts open requests past their due date', async () => {
    // Prepare
    const { sweep } = await world([
      { status: 'locating', dueDate: '2026-10-01', updatedAt: ago(1000) },
      { status: 'locating', dueDate: '2026-12-01', updatedAt: ago(1000) },
      { status: 'completed', dueDate: '2026-10-01', subject: undefined },
    ]);

    // Act
    const report = await sweep.execute();

    // Assess
    expect(report.overdue).toBe(1);
  });
});
