import { z } from 'zod';
import type { UserChanges, UserRepository } from '../datasources/user-repository.js';
import { TOPICS, type CloudEvent } from '../domain/messaging/cloud-event.js';
import type { UserCleanup } from '../domain/users/user-cleanup.js';
import type { Logger } from '../logger.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { InvalidMessageError } from './envelope.js';
import { on } from './event-handler.js';

const calendarDate = z
  .string()
  .transform((value, ctx) => {
    // 'YYYY-MM-DD', or a date-time whose date part is taken as is.
    const date = value.slice(0, 10);
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : null;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
      ctx.addIssue({ code: 'custom', message: 'expected a YYYY-MM-DD date' });
      return z.NEVER;
    }
    return date;
  });

const UserData = z.object({
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

const UserDeletedData = z.object({ id: z.string().min(1).optional() }).loose();

export interface UsersConsumerDeps {
  users: UserRepository;
  userCleanup: UserCleanup;
  logger: Logger;
}

/**
 * The `users` topic: `user.created` / `user.updated` keep the local replica (an event
 * older than the stored replica or than the user's deletion, by envelope `time`, changes
 * nothing), `user.deleted` leaves a tombstone and removes the user's data through every
 * registered cleanup step.
 */
export function usersConsumer(groupId: string, { users, userCleanup, logger }: UsersConsumerDeps): ConsumerDefinition {
  const upsert = on(UserData, async (event) => {
    const { id, ...fields } = event.data;
    const userId = userIdOf(event, id);
    const changes: UserChanges = {};
    if (fields.name !== undefined) changes.name = fields.name;
    if (fields.birthday !== undefined) changes.birthday = fields.birthday;
    if (fields.location !== undefined) changes.location = fields.location;
    if (fields.interests !== undefined) changes.interests = fields.interests;
    const applied = await users.applyIfNotOlder(userId, changes, new Date(event.time));
    if (!applied) logger.debug({ userId, eventId: event.id, time: event.time }, 'user event older than the replica or its deletion; ignored');
  });
  return {
    name: 'users',
    topic: TOPICS.users,
    groupId,
    handlers: {
      'user.created': upsert,
      'user.updated': upsert,
      'user.deleted': on(UserDeletedData, (event) => userCleanup.removeUser(userIdOf(event, event.data.id), new Date(event.time))),
    },
  };
}

function userIdOf(event: CloudEvent, dataId: string | undefined): string {
  const userId = dataId ?? event.subject;
  if (!userId) throw new InvalidMessageError(`${event.type} names no user: neither data.id nor subject is set`);
  if (event.subject && dataId && event.subject !== dataId) {
    throw new InvalidMessageError(`${event.type}: subject ${event.subject} and data.id ${dataId} differ`);
  }
  return userId;
}
