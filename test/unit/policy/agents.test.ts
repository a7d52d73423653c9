import { describe, expect, it } from 'vitest';
import { DecideRequest } from '../../../functions/decide-request/decide-request';
import { decide } from '../../../functions/core/policy/decide';
import type { Profile } from '../../../functions/core/policy/profile';
import type { RequestRecord } from '../../../functions/core/domain/request-record';
import { loadProfile } from '../../../infra/config';
import { aRequest, MemoryMailer, MemoryRequests } from '../../support/fakes';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const softpire = loadProfile('softpire').profile;
const DOCUMENT = 'agent-documents/0b5e2f4c-1d3a-4e6b-9f70-8a1c2d3e4f50';
const withAgents = (agents: Partial<Profile['agents']>): Profile => ({
  ...softpire,
  agents: { ...softpire.agents, ...agents },
});

const request = (agentAuthority?: RequestRecord['agentAuthority']) => ({
  requestId: '00000000-0000-4000-8000-0000000000aa',
  type: 'access' as const,
  regulation: 'ccpa' as const,
  receivedAt: '2026-12-01T10:00:00.000Z',
  ...(agentAuthority ? { agentAuthority } : {}),
});

describe('Function: decide (authorized agents, 11 CCR §7063)', () => {
  it('lets a signed permission with its document go on (the subject confirmed it by the link)', () => {
    // Act
    const decision = decide({
      request: request({ authority: 'signed_permission', document: DOCUMENT }),
      profile: softpire,
      earlier: [],
    });

    // Assess
    expect(decision).toEqual({ outcome: 'go' });
  });

  it('holds a power of attorney with its document for an operator to check it', () => {
    // Act
    const decision = decide({
      request: request({ authority: 'power_of_attorney', document: DOCUMENT }),
      profile: softpire,
      earlier: [],
    });

    // Assess
    expect(decision).toMatchObject({ outcome: 'hold', reasons: [{ code: 'agent_document_review' }] });
    expect(decision.outcome === 'hold' && decision.reasons[0]?.source).toContain('§7063(b)');
  });

  it.each([
    [
      'the profile takes no agents',
      withAgents({ allowed: false }),
      'signed_permission',
      DOCUMENT,
      /takes no requests from agents/,
    ],
    [
      'the profile takes no power of attorney',
      withAgents({ powerOfAttorney: false }),
      'power_of_attorney',
      DOCUMENT,
      /power of attorney alone/,
    ],
    [
      'a signed permission has no document',
      softpire,
      'signed_permission',
      undefined,
      /§7063\(a\)\(1\).*signed permission/,
    ],
    [
      'a power of attorney has no document',
      softpire,
      'power_of_attorney',
      undefined,
      /§7063\(a\)\(1\).*power of attorney/,
    ],
  ] as const)('denies agent_without_authority when %s', (_case, profile, authority, document, source) => {
    // Act
    const decision = decide({
      request: request({ authority, ...(document ? { document } : {}) }),
      profile,
      earlier: [],
    });

    // Assess
    expect(decision.outcome).toBe('deny');
    const reasons = decision.outcome === 'deny' ? decision.reasons : [];
    expect(reasons.map((r) => r.code)).toEqual(['agent_without_authority']);
    expect(reasons[0]?.source).toMatch(source);
  });

  it('changes nothing for a request without an agent, whatever the profile says of agents', () => {
    // Act
    const decision = decide({ request: request(), profile: withAgents({ allowed: false }), earlier: [] });

    // Assess
    expect(decision).toEqual({ outcome: 'go' });
  });
});

describe('Class: DecideRequest (an agent denied)', () => {
  const AGENT = { email: 'agent@helpers.example', name: 'Helpers LLC' };

  function setup(profile: Profile) {
    const requests = new MemoryRequests(() => NOW);
    const mailer = new MemoryMailer();
    return {
      requests,
      mailer,
      decideRequest: new DecideRequest(
        requests,
        mailer,
        () => profile,
        () => NOW,
      ),
    };
  }

  it('mails the agent its reason only and the subject every reason, then ends the request rejected', async () => {
    // Prepare: no document, and a third copy in 12 months (a reason about the subject the agent must not learn)
    const { requests, mailer, decideRequest } = setup(softpire);
    for (const [i, at] of ['2026-03-01', '2026-07-01'].entries())
      await requests.create(
        aRequest({
          requestId: `00000000-0000-4000-8000-00000000000${i}`,
          status: 'completed',
          regulation: 'ccpa',
          subjectHash: 'h-ada',
          receivedAt: `${at}T09:00:00.000Z`,
        }),
      );
    const record = aRequest({
      status: 'verified',
      regulation: 'ccpa',
      subjectHash: 'h-ada',
      verified: { email: 'ada@example.com' },
      receivedAt: '2026-12-01T10:00:00.000Z',
      agent: AGENT,
      agentAuthority: { authority: 'signed_permission' },
    });
    await requests.create(record);

    // Act
    const output = await decideRequest.execute(record.requestId);

    // Assess
    expect(output).toEqual({ outcome: 'deny', reasons: ['frequency_limit', 'agent_without_authority'] });
    expect((await requests.load(record.requestId)).status).toBe('rejected');
    const [toAgent, toSubject] = mailer.sent;
    expect(toAgent?.to).toBe(AGENT.email);
    expect(toAgent?.text).toContain('You gave no document of your authority');
    expect(toAgent?.text).not.toContain('already made');
    expect(toAgent?.text).not.toContain('ada@example.com');
    expect(toSubject?.to).toBe('ada@example.com');
    expect(toSubject?.text).toContain('You have already made 2 such requests');
    expect(toSubject?.text).toContain('by Helpers LLC, acting for you without a document showing their authority');
  });

  it('mails the subject alone when no reason is about the agent', async () => {
    // Prepare
    const { requests, mailer, decideRequest } = setup(softpire);
    const record = aRequest({
      status: 'verified',
      regulation: 'gdpr',
      subjectHash: 'h-bob',
      subject: { email: 'bob@example.com' },
      verified: { email: 'bob@example.com' },
      agent: AGENT,
      agentAuthority: { authority: 'signed_permission', document: DOCUMENT },
    });
    await requests.create(record);

    // Act
    const output = await decideRequest.execute(record.requestId);

    // Assess
    expect(output).toEqual({ outcome: 'deny', reasons: ['outside_jurisdiction'] });
    expect(mailer.sent.map((m) => m.to)).toEqual(['bob@example.com']);
  });
});
