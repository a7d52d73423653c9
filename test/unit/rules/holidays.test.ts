import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  businessDaysBetweenInclusive,
  easterSunday,
  englandWalesBankHolidays,
  isBusinessDay,
  nextBusinessDay,
  usFederalHolidays,
} from '../../../functions/core/rules/holidays';

describe('Function: easterSunday', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('Easter %i is %s', (year, expected) => {
    // Act
    const result = easterSunday(year);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('Function: usFederalHolidays', () => {
  it('lists the eleven observed holidays of 2026 (Independence Day on a Saturday is observed on Friday 3 July)', () => {
    // Act
    const result = usFederalHolidays(2026);

    // Assess
    expect(result).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it.each([
    ['Christmas on a Saturday → Friday 24', 2021, '2021-12-24'],
    ['New Year 2022 on a Saturday → Friday 31 December 2021', 2021, '2021-12-31'],
    ['Juneteenth on a Saturday → Friday 18', 2021, '2021-06-18'],
    ['Independence Day on a Sunday → Monday 5', 2021, '2021-07-05'],
    ['Christmas on a Sunday → Monday 26', 2022, '2022-12-26'],
    ['Veterans Day on a Sunday → Monday 12', 2029, '2029-11-12'],
    ['Thanksgiving, fourth Thursday', 2027, '2027-11-25'],
  ])('%s', (_label, year, observed) => {
    // Act
    const result = usFederalHolidays(year);

    // Assess
    expect(result).toContain(observed);
  });

  it('keeps no weekend date, and counts New Year 2022 (a Saturday) in 2021, where it is observed', () => {
    // Act
    const result = usFederalHolidays(2022);

    // Assess
    expect(result).not.toContain('2022-01-01');
    expect(result).not.toContain('2022-12-25');
    expect(result).toHaveLength(10);
  });

  it('has no Juneteenth before 2021', () => {
    // Act
    const result = usFederalHolidays(2020);

    // Assess
    expect(result).not.toContain('2020-06-19');
  });
});

describe('Function: englandWalesBankHolidays', () => {
  it.each([
    [
      2026,
      ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
    ],
    // Christmas on a Saturday: substitute days Monday 27 and Tuesday 28
    [
      2021,
      ['2021-01-01', '2021-04-02', '2021-04-05', '2021-05-03', '2021-05-31', '2021-08-30', '2021-12-27', '2021-12-28'],
    ],
    // New Year on a Sunday → Monday 2; Christmas on a Monday, Boxing Day on a Tuesday
    [
      2023,
      [
        '2023-01-02',
        '2023-04-07',
        '2023-04-10',
        '2023-05-01',
        '2023-05-08',
        '2023-05-29',
        '2023-08-28',
        '2023-12-25',
        '2023-12-26',
      ],
    ],
    // Christmas on a Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27; spring holiday moved, two added
    [
      2022,
      [
        '2022-01-03',
        '2022-04-15',
        '2022-04-18',
        '2022-05-02',
        '2022-06-02',
        '2022-06-03',
        '2022-08-29',
        '2022-09-19',
        '2022-12-26',
        '2022-12-27',
      ],
    ],
    // Christmas on a Friday: Boxing Day substitute Monday 28
    [
      2027,
      ['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28'],
    ],
  ])('%i', (year, expected) => {
    // Act
    const result = englandWalesBankHolidays(year);

    // Assess
    expect(result).toEqual(expected);
  });

  it('moves the early May holiday of 2020 to VE Day by proclamation', () => {
    // Act
    const result = englandWalesBankHolidays(2020);

    // Assess
    expect(result).toContain('2020-05-08');
    expect(result).not.toContain('2020-05-04');
  });
});

describe('Function: addBusinessDays', () => {
  it.each([
    ['across Thanksgiving', '2026-11-20', 10, 'us_federal', '2026-12-07'],
    ['across Christmas and an observed New Year', '2026-12-18', 15, 'us_federal', '2027-01-12'],
    ['across Christmas on a Saturday, observed Friday', '2021-12-20', 5, 'us_federal', '2021-12-28'],
    ['from a Saturday: Monday is the first day', '2026-03-07', 1, 'us_federal', '2026-03-09'],
    ['across Easter in England and Wales', '2026-04-02', 1, 'england_wales', '2026-04-07'],
    ['weekends only', '2026-12-24', 1, 'none', '2026-12-25'],
  ] as const)('%s', (_label, from, count, calendar, expected) => {
    // Act
    const result = addBusinessDays(from, count, calendar);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('Function: nextBusinessDay', () => {
  it.each([
    ['a working day stays', '2026-04-07', '2026-04-07'],
    ['Good Friday → Tuesday after Easter Monday', '2026-04-03', '2026-04-07'],
    ['Saturday before the early May holiday → Tuesday', '2026-05-02', '2026-05-05'],
  ])('%s', (_label, date, expected) => {
    // Act
    const result = nextBusinessDay(date, 'england_wales');

    // Assess
    expect(result).toBe(expected);
  });
});

describe('Function: businessDaysBetweenInclusive', () => {
  it('counts both ends and skips weekends and holidays', () => {
    // Act
    const week = businessDaysBetweenInclusive('2026-11-23', '2026-11-29', 'us_federal');
    const reversed = businessDaysBetweenInclusive('2026-11-29', '2026-11-23', 'us_federal');

    // Assess
    expect(week).toBe(4);
    expect(reversed).toBe(0);
    expect(isBusinessDay('2026-11-26', 'us_federal')).toBe(false);
    expect(isBusinessDay('2026-11-26', 'england_wales')).toBe(true);
  });
});
