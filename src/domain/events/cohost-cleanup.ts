import type { EventRepository } from '../../datasources/event-repository.js';
import { CoHostRemoved } from '../messaging/event-messages.js';
import type { UserDataCleanup } from '../users/user-cleanup.js';

export interface CoHostCleanupDeps {
  events: EventRepository;
  /** CloudEvents `source` of the events this service publishes. */
  eventSource: string;
}

const BATCH = 100;

/**
 * Takes a deleted user off the co-hosts of every live event, each with an
 * `event.cohost.removed` outbox entry written in the same update by `_id`. The update
 * only matches while the user is still a co-host, so a re-run removes and announces
 * only what is left.
 */
export function coHostCleanup({ events, eventSource }: CoHostCleanupDeps): UserDataCleanup {
  return {
    name: 'event-cohosts',
    async removeUser(userId) {
      // Every event a user co-hosts is visible to them, so their own view lists them all.
      const scope = { viewerId: userId, friendIds: [], memberEventIds: [] };
      for (;;) {
        const page = await events.page({ coHostId: userId }, scope, BATCH, null);
        let changed = 0;
        for (const event of page.items) {
          const now = new Date();
          const message = CoHostRemoved.create(eventSource, event._id, { eventId: event._id, userId, removedBy: null, reason: 'USER_DELETED' }, now);
          if (await events.removeCoHost(event._id, userId, now, [message])) changed += 1;
        }
        // A full page may hide more; a page without a change would only repeat itself.
        if (!page.hasNextPage || changed === 0) break;
      }
    },
  };
}
