import type { SocialGraph } from '../datasources/social-graph.js';
import type { UserRepository } from '../datasources/user-repository.js';
import { TOPICS } from '../domain/messaging/cloud-event.js';
import { EVENT_TOPIC_TYPES, EventRsvp } from '../domain/messaging/event-messages.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { forgetDeletedUsers } from './deleted-users.js';
import { on } from './event-handler.js';

export interface RsvpGraphDeps {
  graph: SocialGraph;
  users: UserRepository;
}

/**
 * Keeps `(:User)-[:RSVP {status, at}]->(:Event)` in the graph from `event.rsvp`. One
 * group for all instances; setting the relation is idempotent, and reconciliation
 * messages (no user) change nothing here. An answer given just before its user was
 * deleted may be processed after the deletion: the node it recreates is removed again.
 */
export function rsvpGraphConsumer(groupId: string, { graph, users }: RsvpGraphDeps): ConsumerDefinition {
  return {
    name: 'rsvp-graph',
    topic: TOPICS.events,
    groupId,
    ignores: EVENT_TOPIC_TYPES,
    handlers: {
      [EventRsvp.type]: on(EventRsvp.data, async ({ data, time }) => {
        if (!data.userId) return;
        await graph.setRsvp(data.userId, data.eventId, data.status, new Date(time));
        // Removing an answer creates no node.
        if (data.status !== null) await forgetDeletedUsers(graph, users, [data.userId]);
      }),
    },
  };
}
