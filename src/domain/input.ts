import type { z } from 'zod';
import { BadUserInputError } from '../errors.js';

/** Parses with `schema`, or throws BAD_USER_INPUT naming the first offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [root, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  throw new BadUserInputError(`${path} ${issue?.message ?? 'is invalid'}`, path);
}
