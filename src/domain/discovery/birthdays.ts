import { BadUserInputError } from '../../errors.js';

export const MIN_BIRTHDAY_WINDOW_DAYS = 1;
export const MAX_BIRTHDAY_WINDOW_DAYS = 60;
const DAY_MS = 86_400_000;

export interface NextBirthday {
  month: number;
  day: number;
  /** YYYY-MM-DD of the next celebration, today included. */
  nextOn: string;
  inDays: number;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The day a birthday is celebrated in `year`: 29 February falls on 28 February in common years. */
function celebratedOn(year: number, month: number, day: number): Date {
  const shifted = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return new Date(Date.UTC(year, month - 1, shifted));
}

/**
 * When a birthday (`YYYY-MM-DD`; the year is ignored and never shown) is next celebrated,
 * counted in UTC calendar days from `today`; null for a malformed date.
 */
export function nextBirthday(birthday: string, today: Date): NextBirthday | null {
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(birthday);
  if (!match) return null;
  const month = Number(match[1]);
  const day = Number(match[2]);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2000, month, 0)).getUTCDate()) return null;
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  let next = celebratedOn(today.getUTCFullYear(), month, day);
  if (next.getTime() < start) next = celebratedOn(today.getUTCFullYear() + 1, month, day);
  return { month, day, nextOn: next.toISOString().slice(0, 10), inDays: Math.round((next.getTime() - start) / DAY_MS) };
}

/** 1–60 days, or BAD_USER_INPUT on `field`. */
export function parseWindow(days: number, field: string): number {
  if (!Number.isInteger(days) || days < MIN_BIRTHDAY_WINDOW_DAYS || days > MAX_BIRTHDAY_WINDOW_DAYS) {
    throw new BadUserInputError(`${field} must be between ${MIN_BIRTHDAY_WINDOW_DAYS} and ${MAX_BIRTHDAY_WINDOW_DAYS}`, field);
  }
  return days;
}
