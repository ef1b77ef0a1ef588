import { z } from 'zod';
import { BadUserInputError } from '../errors.js';

export const MAX_ID_LENGTH = 128;

/** Ids of events, posts and users: 1–128 characters, no whitespace or control characters. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .regex(/^[^\s\p{Cc}]+$/u, 'must not contain whitespace or control characters');

/** Why `value` is not an id, or null when it is one. */
export function idProblem(value: unknown): string | null {
  if (typeof value !== 'string') return value === null || value === undefined ? 'is missing' : 'must be a string';
  const result = idSchema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'is not an id');
}

/** The id, or BAD_USER_INPUT naming `field`. */
export function requireId(value: unknown, field: string): string {
  const problem = idProblem(value);
  if (problem) throw new BadUserInputError(`${field} ${problem}`, field);
  return value as string;
}
