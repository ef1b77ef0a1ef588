import { z } from 'zod';
import { idSchema } from '../ids.js';

export const MAX_INVITEES = 50;

export const inviteFriendsSchema = z.object({
  userIds: z
    .array(idSchema)
    .min(1, 'must name at least one user')
    .max(MAX_INVITEES, `at most ${MAX_INVITEES} users at a time`)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a user'),
  message: z
    .string()
    .trim()
    .max(500, 'must be at most 500 characters')
    .nullish()
    .transform((value) => value || null),
});
