import type { SocialGraph } from '../datasources/social-graph.js';
import { TOPICS } from '../domain/messaging/cloud-event.js';
import { EventRsvp } from '../domain/messaging/event-messages.js';
import { on, type ConsumerDefinition } from './consumer-runner.js';

/**
 * Keeps `(:User)-[:RSVP {status, at}]->(:Event)` in the graph from `event.rsvp`. One
 * group for all instances; setting the relation is idempotent, and reconciliation
 * messages (no user) change nothing here.
 */
export function rsvpGraphConsumer(groupId: string, graph: SocialGraph): ConsumerDefinition {
  return {
    name: 'rsvp-graph',
    topic: TOPICS.events,
    groupId,
    handlers: {
      [EventRsvp.type]: on(EventRsvp.data, async ({ data, time }) => {
        if (data.userId) await graph.setRsvp(data.userId, data.eventId, data.status, new Date(time));
      }),
    },
  };
}
