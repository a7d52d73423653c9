import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../../infra/cli/commands';
import { csv, metrics, queue, requestView, waitingFor } from '../../../infra/cli/requests';
import { requestClock } from '../../../functions/core/domain/due-date';
import type { RequestRecord } from '../../../functions/core/domain/request-record';
import { aRequest, MemoryRequests } from '../../support/fakes';

const NOW = new Date('2026-12-10T12:00:00.000Z');
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A year of requests: answered, partly answered, refused, withdrawn, and three still open. */
function records(): RequestRecord[] {
  const at = (day: string) => `${day}T10:00:00.000Z`;
  return [
    aRequest({
      requestId: id(1),
      type: 'access',
      status: 'completed',
      receivedAt: at('2025-03-01'),
      completedAt: at('2025-03-11'),
    }),
    aRequest({
      requestId: id(2),
      type: 'access',
      status: 'completed',
      receivedAt: at('2025-05-01'),
      completedAt: at('2025-05-31'),
    }),
    aRequest({
      requestId: id(3),
      type: 'access',
      status: 'partially_completed',
      receivedAt: at('2025-06-01'),
      completedAt: at('2025-06-21'),
    }),
    aRequest({
      requestId: id(4),
      type: 'deletion',
      status: 'rejected',
      receivedAt: at('2025-07-01'),
      decision: {
        outcome: 'deny',
        reasons: [
          { code: 'outside_jurisdiction', source: 'profile' },
          { code: 'right_not_offered', source: 'pack' },
        ],
        at: at('2025-07-02'),
        profile: { id: 'softpire', version: '1.0.0' },
      },
    }),
    aRequest({ requestId: id(5), type: 'deletion', status: 'expired', receivedAt: at('2025-08-01') }),
    aRequest({
      requestId: id(6),
      type: 'deletion',
      status: 'completed',
      receivedAt: at('2024-12-30'),
      completedAt: at('2025-01-05'),
    }),
    aRequest({
      requestId: id(7),
      type: 'opt_out',
      regulation: 'ccpa',
      status: 'verified',
      receivedAt: at('2026-11-23'),
      dueDate: '2026-12-15',
      clock: requestClock('ccpa', 'opt_out', new Date(at('2026-11-23'))),
    }),
    aRequest({
      requestId: id(8),
      type: 'access',
      status: 'locating',
      receivedAt: at('2026-11-01'),
      dueDate: '2026-12-01',
    }),
    aRequest({
      requestId: id(9),
      type: 'deletion',
      status: 'retrying',
      receivedAt: at('2026-12-01'),
      dueDate: '2027-01-15',
    }),
  ];
}

async function run(argv: string[], stored = records(), colour = false) {
  const requests = new MemoryRequests();
  for (const record of stored) await requests.create(record);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { out: (line) => out.push(line), err: (line) => err.push(line), colour },
    { requests, now: () => NOW },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('Function: queue', () => {
  it('lists the open requests only, the overdue first, with days left by each one’s clock', () => {
    // Act
    const rows = queue(records(), NOW);

    // Assess
    expect(rows.map((r) => [r.requestId, r.status, r.daysLeft])).toEqual([
      [id(8), 'locating', -9],
      [id(7), 'verified', 5],
      [id(9), 'retrying', 36],
    ]);
  });
});

describe('Function: waitingFor', () => {
  it('says a held request waits for an operator, or for its subject once asked to clarify, and the rest for no one', () => {
    // Prepare
    const decision = (outcome: 'go' | 'hold') => ({
      outcome,
      reasons: outcome === 'hold' ? [{ code: 'review_required' as const, source: 'x' }] : [],
      at: '2026-12-01T00:00:00Z',
      profile: { id: 'p', version: '1.0.0' },
    });

    // Act & Assess
    expect(waitingFor(aRequest({ decision: decision('hold') }))).toBe('operator');
    expect(
      waitingFor(aRequest({ decision: decision('hold'), clarification: { askedAt: '2026-12-02T00:00:00Z' } })),
    ).toBe('subject');
    expect(waitingFor(aRequest({ decision: decision('go') }))).toBe('-');
    expect(waitingFor(aRequest())).toBe('-');
  });
});

describe('Function: metrics', () => {
  it('counts per right for the calendar year of receipt, with the median and mean days to an answer (11 CCR §7102)', () => {
    // Act
    const rows = metrics(records(), 2025);

    // Assess: the deletion received in 2024 counts for 2024, whenever it was answered
    expect(rows).toEqual([
      {
        year: 2025,
        right: 'access',
        received: 3,
        compliedInWhole: 2,
        compliedInPart: 1,
        denied: 0,
        deniedBy: '',
        withdrawnOrUnverified: 0,
        open: 0,
        medianDays: 20,
        meanDays: 20,
      },
      {
        year: 2025,
        right: 'deletion',
        received: 2,
        compliedInWhole: 0,
        compliedInPart: 0,
        denied: 1,
        deniedBy: 'outside_jurisdiction=1; right_not_offered=1',
        withdrawnOrUnverified: 1,
        open: 0,
        medianDays: null,
        meanDays: null,
      },
    ]);
    expect(csv(rows).split('\n')[0]).toBe(
      'year,right,received,compliedInWhole,compliedInPart,denied,deniedBy,withdrawnOrUnverified,open,medianDays,meanDays',
    );
  });
});

describe('Function: requestView', () => {
  it('shows the clock and the masked address, never the address itself', () => {
    // Act
    const view = requestView(records()[6] as RequestRecord);

    // Assess
    expect(view).toMatchObject({
      subject: 'a***@e***',
      clock: { pack: 'ccpa 1.0.0', dueOn: '2026-12-15' },
    });
    expect(JSON.stringify(view)).not.toContain('ada@example.com');
  });
});

describe('Function: main (operator views)', () => {
  it('dsar requests prints the queue; --json gives the rows', async () => {
    // Act
    const printed = await run(['requests']);
    const json = await run(['requests', '--json']);

    // Assess
    expect(printed.code).toBe(EXIT.ok);
    expect(printed.out.split('\n')[2]).toMatch(new RegExp(`^${id(8)}\\s+access\\s+gdpr\\s+locating`));
    expect(JSON.parse(json.out)).toHaveLength(3);
  });

  it('dsar requests colours the urgent rows only for a terminal that shows colour', async () => {
    // Act
    const coloured = await run(['requests'], records(), true);
    const plain = await run(['requests']);

    // Assess: the header stays plain
    const esc = String.fromCharCode(27);
    const lines = coloured.out.split('\n');
    expect(lines[0]).not.toContain(esc);
    expect(lines[2]).toMatch(new RegExp(`^${esc}\\[31m${id(8)}`)); // overdue: red
    expect(lines[3]).toMatch(new RegExp(`^${esc}\\[33m${id(7)}`)); // due within a week: yellow
    expect(lines[4]).toMatch(new RegExp(`^${id(9)}`)); // five weeks left: plain
    expect(plain.out).not.toContain(esc);
  });

  it('dsar show <id> prints one request, and exits 1 for an unknown one', async () => {
    // Act
    const shown = await run(['show', id(7), '--json']);
    const missing = await run(['show', id(99)]);
    const none = await run(['show']);

    // Assess
    expect(JSON.parse(shown.out)).toMatchObject({ requestId: id(7), type: 'opt_out', status: 'verified' });
    expect(missing.code).toBe(EXIT.problems);
    expect(missing.err).toContain(`no request ${id(99)}`);
    expect(none.code).toBe(EXIT.usage);
  });

  it('dsar metrics defaults to the previous calendar year, prints CSV with --csv, refuses a bad --year', async () => {
    // Act
    const lastYear = await run(['metrics', '--json']);
    const asCsv = await run(['metrics', '--year', '2025', '--csv']);
    const bad = await run(['metrics', '--year', 'last']);

    // Assess
    expect(JSON.parse(lastYear.out).map((row: { right: string }) => row.right)).toEqual(['access', 'deletion']);
    expect(asCsv.out.split('\n')).toHaveLength(3);
    expect(bad.code).toBe(EXIT.usage);
  });
});
