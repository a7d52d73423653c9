import { describe, expect, it } from 'vitest';
import type { RequestType } from '../../../functions/core/domain/request';
import {
  appealDue,
  Clock,
  daysLeft,
  effectiveDueOn,
  extend,
  feeReceived,
  isOverdue,
  pause,
  resume,
  startClock,
  verified,
} from '../../../functions/core/rules/clock';
import {
  ExtensionRefusedError,
  InvalidClockDateError,
  PackMismatchError,
  PauseRefusedError,
  RightNotGivenError,
} from '../../../functions/core/rules/errors';
import { loadPack } from '../../../functions/core/rules/pack';

const start = (id: string, type: RequestType, received: Date | string) => startClock(loadPack(id), type, received);

/** Runs `act` and returns what it threw, so a test can check the class and the reason. */
function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new TypeError('expected a throw');
}

describe('Function: startClock', () => {
  describe('Method: calendar months (GDPR Art. 12(3), Reg. 1182/71 Art. 3(2)(c))', () => {
    it.each([
      ['2026-03-15', '2026-04-15'],
      ['2026-01-31', '2026-02-28'],
      ['2028-01-31', '2028-02-29'],
      ['2026-04-30', '2026-05-30'],
      ['2026-03-31', '2026-04-30'],
      ['2026-08-31', '2026-09-30'],
      ['2026-12-31', '2027-01-31'],
      ['2028-02-29', '2028-03-29'],
      // a Saturday: the EU pack does not roll to the next working day
      ['2026-02-28', '2026-03-28'],
    ])('received %s → due %s', (received, due) => {
      // Act
      const clock = start('gdpr', 'access', received);

      // Assess
      expect(clock.dueOn).toBe(due);
      expect(clock.extension).toEqual({ available: true, noticeBy: due });
      expect(clock.acknowledgeBy).toBeUndefined();
    });
  });

  describe('Method: calendar months rolled to the next working day (ICO, England and Wales)', () => {
    it.each([
      ['a weekday stays', '2026-03-31', '2026-04-30'],
      ['Saturday → Monday', '2026-02-28', '2026-03-30'],
      ['Saturday before Easter → Tuesday after Easter Monday', '2026-03-04', '2026-04-07'],
      ['Christmas Day, then the Boxing Day substitute → Tuesday 29', '2026-11-25', '2026-12-29'],
      ['31 January in a leap year → 29 February (a Tuesday)', '2028-01-31', '2028-02-29'],
    ])('%s: received %s → due %s', (_label, received, due) => {
      // Act
      const clock = start('uk_gdpr', 'access', received);

      // Assess
      expect(clock.dueOn).toBe(due);
    });
  });

  describe('Method: CCPA', () => {
    it('acknowledges within 10 business days across Thanksgiving and answers 45 calendar days after receipt', () => {
      // Act
      const clock = start('ccpa', 'access', '2026-11-20T18:00:00Z');

      // Assess
      expect(clock).toMatchObject({
        receivedOn: '2026-11-20',
        startedOn: '2026-11-20',
        startReason: 'receipt',
        acknowledgeBy: '2026-12-07',
        dueOn: '2027-01-04',
        extension: { available: true, noticeBy: '2027-01-04' },
      });
      expect(clock.appealWithin).toBeUndefined();
    });

    it.each([
      ['opt_out', 'across Christmas and New Year', '2026-12-18', '2027-01-12'],
      ['limit_sensitive', 'across Thanksgiving', '2026-11-20', '2026-12-14'],
      ['opt_out', 'across Christmas and New Year on Saturdays, observed Fridays', '2021-12-17', '2022-01-11'],
    ] as const)('%s in 15 business days %s: %s → %s', (type, _label, received, due) => {
      // Act
      const clock = start('ccpa', type, received);

      // Assess
      expect(clock.dueOn).toBe(due);
      expect(clock.acknowledgeBy).toBeUndefined();
      expect(clock.extension).toEqual({ available: false });
    });

    it('takes the UTC calendar date of a timestamp', () => {
      // Act
      const clock = start('ccpa', 'deletion', '2026-01-31T23:30:00-05:00');

      // Assess
      expect(clock.receivedOn).toBe('2026-02-01');
      expect(clock.dueOn).toBe('2026-03-18');
    });
  });

  describe('Method: refusals', () => {
    it.each([
      ['vcdpa', 'restriction'],
      ['ccpa', 'objection'],
      ['gdpr', 'limit_sensitive'],
    ] as const)('%s gives no %s right', (id, type) => {
      // Act
      const error = thrown(() => start(id, type, '2026-01-01'));

      // Assess
      expect(error).toBeInstanceOf(RightNotGivenError);
      expect((error as RightNotGivenError).code).toBe('right_not_given');
    });

    it.each(['2026-02-30', '15/03/2026', '2026-13-01', 'yesterday'])('refuses the date %s', (received) => {
      // Act
      const act = () => start('gdpr', 'access', received);

      // Assess
      expect(act).toThrow(InvalidClockDateError);
    });
  });

  it('is serialisable: a stored clock parses back to the same record', () => {
    // Prepare
    const clock = extend(start('cpa', 'access', '2026-01-01'), '2026-02-01');

    // Act
    const stored = Clock.parse(JSON.parse(JSON.stringify(clock)));

    // Assess
    expect(stored).toEqual(clock);
  });
});

describe('Function: extend', () => {
  it.each([
    ['gdpr', '2026-01-31', '2026-02-28', '2026-04-30'],
    ['gdpr', '2026-11-30', '2026-12-30', '2027-02-28'],
    ['ccpa', '2026-01-01', '2026-02-15', '2026-04-01'],
    ['vcdpa', '2026-01-01', '2026-02-15', '2026-04-01'],
    ['tdpsa', '2026-06-30', '2026-08-14', '2026-09-28'],
    // three months from 29 February 2028 is Monday 29 May, the spring bank holiday: the next working day
    ['uk_gdpr', '2028-02-29', '2028-03-29', '2028-05-30'],
  ])('%s: received %s, notice given on the last day %s → due %s', (id, received, noticeBy, extendedTo) => {
    // Prepare
    const clock = start(id, 'access', received);

    // Act
    const result = extend(clock, noticeBy);

    // Assess
    expect(result.extension).toEqual({ available: false, noticeBy, extendedTo, extendedOn: noticeBy });
    expect(result.dueOn).toBe(extendedTo);
  });

  it('refuses a notice given after the first period (GDPR Art. 12(3), CCPA §1798.130(a)(2)(A))', () => {
    for (const [id, received, late] of [
      ['gdpr', '2026-01-31', '2026-03-01'],
      ['ccpa', '2026-01-01', '2026-02-16'],
    ] as const) {
      // Act
      const error = thrown(() => extend(start(id, 'access', received), late));

      // Assess
      expect(error, id).toBeInstanceOf(ExtensionRefusedError);
      expect((error as ExtensionRefusedError).reason, id).toBe('notice_too_late');
    }
  });

  it('refuses a second extension', () => {
    // Prepare
    const once = extend(start('ccpa', 'deletion', '2026-01-01'), '2026-01-10');

    // Act
    const error = thrown(() => extend(once, '2026-01-11'));

    // Assess
    expect(error).toBeInstanceOf(ExtensionRefusedError);
    expect((error as ExtensionRefusedError).reason).toBe('already_extended');
  });

  it('refuses where the law gives none (CCPA opt-out)', () => {
    // Act
    const error = thrown(() => extend(start('ccpa', 'opt_out', '2026-01-05'), '2026-01-06'));

    // Assess
    expect(error).toBeInstanceOf(ExtensionRefusedError);
    expect((error as ExtensionRefusedError).reason).toBe('not_available');
    expect((error as ExtensionRefusedError).code).toBe('extension_refused');
  });
});

describe('Function: verified and feeReceived', () => {
  it('UK GDPR: the month runs from the latest of receipt, identity and fee (Art. 12A)', () => {
    // Prepare
    const clock = start('uk_gdpr', 'access', '2026-03-10');

    // Act
    const afterIdentity = verified(clock, '2026-03-20');
    const earlierFee = feeReceived(afterIdentity, '2026-03-15');
    const afterFee = feeReceived(afterIdentity, '2026-03-25');

    // Assess
    expect(afterIdentity).toMatchObject({ startedOn: '2026-03-20', startReason: 'verification', dueOn: '2026-04-20' });
    expect(earlierFee).toEqual(afterIdentity);
    // 25 April 2026 is a Saturday
    expect(afterFee).toMatchObject({ startedOn: '2026-03-25', startReason: 'fee', dueOn: '2026-04-27' });
    expect(afterFee.receivedOn).toBe('2026-03-10');
  });

  it.each([
    ['ccpa', 'CCPA §7021(b): 45 days from receipt, regardless of time required to verify'],
    ['gdpr', 'GDPR Art. 12(3): from receipt'],
    ['ctdpa', 'Connecticut §42-518(c)(1): from receipt'],
  ])('%s does not move: %s', (id) => {
    // Prepare
    const clock = start(id, 'access', '2026-01-01');

    // Act
    const result = verified(clock, '2026-01-30');

    // Assess
    expect(result).toEqual(clock);
  });

  it('refuses a verification before receipt', () => {
    // Act
    const act = () => verified(start('uk_gdpr', 'access', '2026-03-10'), '2026-03-09');

    // Assess
    expect(act).toThrow(InvalidClockDateError);
  });
});

describe('Function: pause and resume', () => {
  it('moves the due date and the notice deadline by the paused days, both ends counted (UK GDPR Art. 12A)', () => {
    // Prepare
    const clock = start('uk_gdpr', 'access', '2026-03-31');

    // Act
    const paused = pause(clock, '2026-04-02', 'clarification');
    const resumed = resume(paused, '2026-04-04');

    // Assess
    expect(paused.dueOn).toBe('2026-04-30');
    expect(paused.pauses).toEqual([{ from: '2026-04-02', reason: 'clarification' }]);
    // 30 April + 3 days = Sunday 3 May; Monday 4 May is the early May bank holiday
    expect(resumed.dueOn).toBe('2026-05-05');
    expect(resumed.extension.noticeBy).toBe('2026-05-03');
    expect(resumed.pauses).toEqual([{ from: '2026-04-02', to: '2026-04-04', reason: 'clarification' }]);
  });

  it('adds up several pauses, and a pause resumed the same day stops the clock one day', () => {
    // Prepare
    let clock = start('uk_gdpr', 'categories', '2026-06-01');

    // Act
    clock = resume(pause(clock, '2026-06-03', 'clarification'), '2026-06-03');
    clock = resume(pause(clock, '2026-06-10', 'clarification'), '2026-06-14');

    // Assess
    expect(clock.dueOn).toBe('2026-07-07');
    expect(clock.pauses).toHaveLength(2);
  });

  it('ignores the part of a pause before the period restarted on verification', () => {
    // Prepare
    const paused = resume(pause(start('uk_gdpr', 'access', '2026-03-31'), '2026-04-02', 'clarification'), '2026-04-04');

    // Act
    const result = verified(paused, '2026-04-06');

    // Assess
    expect(result.dueOn).toBe('2026-05-06');
  });

  it('lets the extension notice be given while paused, and the extended date moves on resume', () => {
    // Prepare
    const paused = pause(start('uk_gdpr', 'access', '2026-03-31'), '2026-04-20', 'clarification');

    // Act
    const extended = extend(paused, '2026-05-05');
    const resumed = resume(extended, '2026-05-10');

    // Assess
    // three months from 31 March = 30 June, + 21 paused days (20 April to 10 May) = 21 July
    expect(resumed.dueOn).toBe('2026-07-21');
    expect(resumed.extension).toMatchObject({ extendedOn: '2026-05-05', extendedTo: '2026-07-21' });
  });

  it.each([
    ['gdpr', 'access', 'GDPR has no stop-the-clock'],
    ['uk_gdpr', 'deletion', 'Art. 12A pauses only requests under Art. 15'],
    ['ccpa', 'access', 'CCPA counts from receipt'],
  ] as const)('refuses a pause under %s for %s (%s)', (id, type, _why) => {
    // Act
    const error = thrown(() => pause(start(id, type, '2026-03-02'), '2026-03-03', 'clarification'));

    // Assess
    expect(error).toBeInstanceOf(PauseRefusedError);
    expect((error as PauseRefusedError).reason).toBe('not_allowed');
  });

  it('refuses a second pause, a resume without a pause, a pause after the due date, a resume before the pause', () => {
    // Prepare
    const clock = start('uk_gdpr', 'access', '2026-03-02');
    const paused = pause(clock, '2026-03-05', 'clarification');

    // Act
    const twice = thrown(() => pause(paused, '2026-03-06', 'clarification'));
    const notPaused = thrown(() => resume(clock, '2026-03-06'));
    const expired = thrown(() => pause(clock, '2026-04-03', 'clarification'));
    const backwards = thrown(() => resume(paused, '2026-03-04'));

    // Assess
    expect((twice as PauseRefusedError).reason).toBe('already_paused');
    expect((notPaused as PauseRefusedError).reason).toBe('not_paused');
    expect((expired as PauseRefusedError).reason).toBe('clock_expired');
    expect(backwards).toBeInstanceOf(InvalidClockDateError);
  });
});

describe('Function: daysLeft and isOverdue', () => {
  it.each([
    ['2026-03-15', 31, false],
    ['2026-04-14', 1, false],
    ['2026-04-15', 0, false],
    ['2026-04-16', -1, true],
  ])('GDPR request received 15 March 2026, on %s: %i days left, overdue %s', (today, left, overdue) => {
    // Prepare
    const clock = start('gdpr', 'access', '2026-03-15');

    // Act
    const result = { left: daysLeft(clock, today), overdue: isOverdue(clock, today) };

    // Assess
    expect(result).toEqual({ left, overdue });
  });

  it('does not run down while paused: the open pause counts as ending today', () => {
    // Prepare
    const paused = pause(start('uk_gdpr', 'access', '2026-03-31'), '2026-04-10', 'clarification');

    // Act
    const onTheTwentieth = daysLeft(paused, '2026-04-20');
    const aMonthLater = daysLeft(paused, '2026-05-20');

    // Assess
    expect(effectiveDueOn(paused, '2026-04-20')).toBe('2026-05-11');
    expect(onTheTwentieth).toBe(21);
    expect(aMonthLater).toBe(21);
    expect(isOverdue(paused, '2026-06-01')).toBe(false);
  });
});

describe('Function: appealDue', () => {
  it.each([
    ['vcdpa', '2026-04-30', undefined],
    ['ctdpa', '2026-04-30', undefined],
    ['tdpsa', '2026-04-30', undefined],
    ['cpa', '2026-04-15', '2026-06-14'],
  ])('%s: appeal received 1 March 2026 → answer by %s (extended to %s)', (id, dueOn, extendedTo) => {
    // Prepare
    const clock = start(id, 'deletion', '2026-01-01');

    // Act
    const result = appealDue(clock, '2026-03-01');

    // Assess
    expect(result).toEqual(extendedTo === undefined ? { dueOn } : { dueOn, extendedTo });
  });

  it('gives none under the CCPA', () => {
    // Act
    const result = appealDue(start('ccpa', 'deletion', '2026-01-01'), '2026-03-01');

    // Assess
    expect(result).toBeUndefined();
  });
});

describe('Module: pack versions', () => {
  it('refuses to recompute a clock with another version of its pack', () => {
    // Prepare
    const clock = { ...start('uk_gdpr', 'access', '2026-03-10'), packVersion: '0.9.0' };

    // Act
    const act = () => verified(clock, '2026-03-20');

    // Assess
    expect(act).toThrow(PackMismatchError);
  });
});
