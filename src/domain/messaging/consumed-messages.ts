import { z } from 'zod';
import { defineMessage } from './contract.js';

/** The contracts of what this service consumes from other services (see asyncapi.yaml). */

const calendarDate = z.string().transform((value, ctx) => {
  // 'YYYY-MM-DD', or a date-time whose date part is taken as is.
  const date = value.slice(0, 10);
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : null;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    ctx.addIssue({ code: 'custom', message: 'expected a YYYY-MM-DD date' });
    return z.NEVER;
  }
  return date;
});

/** A user's public profile as the users service publishes it; an absent field is unchanged. */
const UserProfile = z.object({
  /** Falls back to the envelope's `subject`. */
  id: z.string().min(1).optional(),
  name: z.string().nullable().optional(),
  birthday: calendarDate.nullable().optional(),
  location: z
    .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
    .transform(({ latitude, longitude }) => ({ latitude, longitude }))
    .nullable()
    .optional(),
  interests: z.array(z.string()).optional(),
});

export const UserCreated = defineMessage('user.created', UserProfile);
export const UserUpdated = defineMessage('user.updated', UserProfile);
export const UserDeleted = defineMessage('user.deleted', z.object({ id: z.string().min(1).optional() }).loose());

const differentUsers = ({ userId, friendId }: { userId: string; friendId: string }) => userId !== friendId;

export const FriendshipCreated = defineMessage(
  'friendship.created',
  z
    .object({
      userId: z.string().min(1),
      friendId: z.string().min(1),
      /** Defaults to the envelope's `time`. */
      since: z.iso.datetime({ offset: true }).optional(),
    })
    .refine(differentUsers, 'userId and friendId must differ'),
);

export const FriendshipDeleted = defineMessage(
  'friendship.deleted',
  z.object({ userId: z.string().min(1), friendId: z.string().min(1) }).refine(differentUsers, 'userId and friendId must differ'),
);
