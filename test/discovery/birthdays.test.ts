import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextBirthday, parseWindow } from '../../src/domain/discovery/birthdays.js';

const day = (iso: string) => new Date(`${iso}T15:30:00Z`);

describe('birthdays', () => {
  it('finds the next celebration from today, today included, never showing the year of birth', () => {
    assert.deepEqual(nextBirthday('1990-03-10', day('2026-03-10')), { month: 3, day: 10, nextOn: '2026-03-10', inDays: 0 });
    assert.deepEqual(nextBirthday('1990-03-11', day('2026-03-10')), { month: 3, day: 11, nextOn: '2026-03-11', inDays: 1 });
    assert.deepEqual(nextBirthday('1990-03-09', day('2026-03-10')), { month: 3, day: 9, nextOn: '2027-03-09', inDays: 364 });
  });

  it('crosses the new year', () => {
    assert.deepEqual(nextBirthday('2001-01-02', day('2026-12-30')), { month: 1, day: 2, nextOn: '2027-01-02', inDays: 3 });
  });

  it('celebrates 29 February on 28 February in common years and on the 29th in leap years', () => {
    assert.deepEqual(nextBirthday('1996-02-29', day('2027-02-25')), { month: 2, day: 29, nextOn: '2027-02-28', inDays: 3 });
    assert.deepEqual(nextBirthday('1996-02-29', day('2028-02-25')), { month: 2, day: 29, nextOn: '2028-02-29', inDays: 4 });
    // Just past the common-year date: the next is in the leap year after.
    assert.deepEqual(nextBirthday('1996-02-29', day('2027-03-01')), { month: 2, day: 29, nextOn: '2028-02-29', inDays: 365 });
  });

  it('ignores malformed dates', () => {
    for (const bad of ['1990-02-30', '1990-13-01', '1990-00-10', 'yesterday', '']) assert.equal(nextBirthday(bad, day('2026-01-01')), null);
  });

  it('takes a window of 1 to 60 days', () => {
    assert.equal(parseWindow(1, 'withinDays'), 1);
    assert.equal(parseWindow(60, 'withinDays'), 60);
    for (const bad of [0, 61, 2.5, -3]) {
      assert.throws(() => parseWindow(bad, 'withinDays'), (error: { extensions?: { code?: string; field?: string } }) => error.extensions?.field === 'withinDays');
    }
  });
});
