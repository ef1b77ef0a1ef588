import type { UserChanges, UserRepository } from '../datasources/user-repository.js';
import { TOPICS, type CloudEvent } from '../domain/messaging/cloud-event.js';
import { UserCreated, UserDeleted, UserUpdated } from '../domain/messaging/consumed-messages.js';
import type { UserCleanup } from '../domain/users/user-cleanup.js';
import type { Logger } from '../logger.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { InvalidMessageError } from './envelope.js';
import { on } from './event-handler.js';

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
  const upsert = on(UserCreated.data, async (event) => {
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
      [UserCreated.type]: upsert,
      [UserUpdated.type]: upsert,
      [UserDeleted.type]: on(UserDeleted.data, (event) => userCleanup.removeUser(userIdOf(event, event.data.id), new Date(event.time))),
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
