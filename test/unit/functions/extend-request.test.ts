import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../../../infra/cli/commands';
import { requestClock } from '../../../functions/core/domain/due-date';
import { StatusConflictError, ValidationError } from '../../../functions/core/domain/errors';
import { ExtensionRefusedError } from '../../../functions/core/rules/errors';
import { ExtendRequest } from '../../../functions/extend-request/extend-request';
import { aRequest, MemoryMailer, MemoryRequests } from '../../support/fakes';

const REQUEST_ID = '0b9a3c52-6a8e-4f43-9d2c-3c1e2f4a5b6c';
const RECEIVED = new Date('2026-11-02T10:00:00.000Z');

async function setup(extra: Parameters<typeof aRequest>[0] = {}, today = '2026-11-20') {
  const requests = new MemoryRequests();
  const clock = requestClock('gdpr', 'access', RECEIVED);
  await requests.create(
    aRequest({ status: 'locating', receivedAt: RECEIVED.toISOString(), dueDate: clock.dueOn, clock, ...extra }),
  );
  const mailer = new MemoryMailer();
  const extend = new ExtendRequest(requests, mailer, () => new Date(`${today}T09:00:00.000Z`));
  return { requests, mailer, extend };
}

describe('Class: ExtendRequest', () => {
  it('extends a GDPR request by two months, mails the subject the date and the reason, then records both', async () => {
    // Prepare
    const { requests, mailer, extend } = await setup();

    // Act
    const result = await extend.execute(
      REQUEST_ID,
      '  Our archive is being moved; the paper files arrive next month. ',
    );

    // Assess: one month from 2 November, then two more (GDPR Art. 12(3))
    expect(result).toEqual({ previous: '2026-12-02', dueDate: '2027-02-02' });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toBe('ada@example.com');
    expect(mailer.sent[0]?.text).toContain('we will answer by 2027-02-02');
    expect(mailer.sent[0]?.text).toContain('Why: Our archive is being moved; the paper files arrive next month.');
    expect(await requests.load(REQUEST_ID)).toMatchObject({
      dueDate: '2027-02-02',
      clock: { dueOn: '2027-02-02', extension: { extendedOn: '2026-11-20', available: false } },
      extension: { reason: 'Our archive is being moved; the paper files arrive next month.' },
    });
  });

  it('refuses a second extension and one noticed after the first month, mailing nothing', async () => {
    // Prepare
    const twice = await setup();
    await twice.extend.execute(REQUEST_ID, 'first');
    const late = await setup({}, '2026-12-03');

    // Act
    const again = twice.extend.execute(REQUEST_ID, 'second');
    const tooLate = late.extend.execute(REQUEST_ID, 'late');

    // Assess
    await expect(again).rejects.toBeInstanceOf(ExtensionRefusedError);
    await expect(tooLate).rejects.toThrow(/had to be given by 2026-12-02/);
    expect(twice.mailer.sent).toHaveLength(1);
    expect(late.mailer.sent).toHaveLength(0);
  });

  it('refuses without a reason, and for a request that has ended', async () => {
    // Prepare
    const open = await setup();
    const ended = await setup({ status: 'completed' });

    // Act & Assess
    await expect(open.extend.execute(REQUEST_ID, '   ')).rejects.toBeInstanceOf(ValidationError);
    await expect(ended.extend.execute(REQUEST_ID, 'why')).rejects.toBeInstanceOf(StatusConflictError);
    expect(open.mailer.sent).toHaveLength(0);
  });

  it('gives a request stored before clocks the clock it would have had', async () => {
    // Prepare
    const { extend } = await setup({ clock: undefined });

    // Act
    const result = await extend.execute(REQUEST_ID, 'why');

    // Assess
    expect(result.dueDate).toBe('2027-02-02');
  });
});

describe('Command: dsar extend', () => {
  async function run(argv: string[], extend: ExtendRequest) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { extend });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('extends and says the new date; a refusal exits 1 with the engine’s reason; no reason is a usage error', async () => {
    // Prepare
    const { extend } = await setup();

    // Act
    const first = await run(['extend', REQUEST_ID, '--reason', 'the archive is moving'], extend);
    const second = await run(['extend', REQUEST_ID, '--reason', 'again'], extend);
    const bare = await run(['extend', REQUEST_ID], extend);

    // Assess
    expect(first).toMatchObject({ code: EXIT.ok, out: expect.stringContaining('due 2026-12-02 → 2027-02-02') });
    expect(second).toMatchObject({ code: EXIT.problems, err: expect.stringContaining('already extended') });
    expect(bare.code).toBe(EXIT.usage);
  });
});
