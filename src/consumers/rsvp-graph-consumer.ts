import { z } from 'zod';
import type { SocialGraph } from '../datasources/social-graph.js';
import { TOPICS } from '../domain/messaging/cloud-event.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { on } from './event-handler.js';

const Status = z.enum(['GOING', 'INTERESTED', 'MAYBE', 'NOT_GOING']).nullable();
const RsvpChanged = z.object({ eventId: z.string().min(1), userId: z.string().min(1).nullable(), status: Status });

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
      'event.rsvp': on(RsvpChanged, async ({ data, time }) => {
        if (data.userId) await graph.setRsvp(data.userId, data.eventId, data.status, new Date(time));
      }),
    },
  };
}
