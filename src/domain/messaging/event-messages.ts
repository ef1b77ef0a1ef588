import { z } from 'zod';
import { defineMessage } from './contract.js';

/** The contracts of what this service publishes on the `events` topic (see asyncapi.yaml). */

const id = z.string().min(1);
const isoTime = z.iso.datetime({ offset: true });
const answer = z.enum(['GOING', 'INTERESTED', 'MAYBE', 'NOT_GOING']);

const location = z.object({ name: z.string(), address: z.string().nullable(), latitude: z.number(), longitude: z.number() });

/** The event as other services see it: no storage internals. */
export const EventSnapshot = z.object({
  id,
  title: z.string(),
  description: z.string().nullable(),
  hostId: id,
  coHostIds: z.array(id),
  privacy: z.enum(['PUBLIC', 'FRIENDS', 'PRIVATE']),
  status: z.enum(['ACTIVE', 'CANCELLED', 'COMPLETED']),
  categoryId: z.string().nullable(),
  tags: z.array(z.string()),
  startsAt: isoTime,
  endsAt: isoTime,
  timeZone: z.string(),
  location: location.nullable(),
  isVirtual: z.boolean(),
  capacity: z.number().int().nullable(),
  price: z.object({ amountMinor: z.number().int(), currency: z.string() }).nullable(),
  mediaUrls: z.array(z.string()),
  stats: z.record(z.string(), z.number()),
  cancellationReason: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const EventCreated = defineMessage('event.created', z.object({ event: EventSnapshot }));

export const EventUpdated = defineMessage('event.updated', z.object({ event: EventSnapshot, changed: z.array(z.string()) }));

export const EventCancelled = defineMessage(
  'event.cancelled',
  z.object({ eventId: id, reason: z.string().nullable(), cancelledBy: id.nullable(), title: z.string(), startsAt: isoTime }),
);

export const EventDeleted = defineMessage('event.deleted', z.object({ eventId: id, deletedBy: id.nullable(), title: z.string() }));

export const CoHostAdded = defineMessage('event.cohost.added', z.object({ eventId: id, userId: id, addedBy: id }));

export const CoHostRemoved = defineMessage(
  'event.cohost.removed',
  z.object({ eventId: id, userId: id, removedBy: id.nullable(), reason: z.enum(['REMOVED', 'USER_DELETED']).default('REMOVED') }),
);

export const PostCreated = defineMessage('event.post.created', z.object({ eventId: id, postId: id, authorId: id }));

export const SHARE_CHANNELS = ['LINK', 'EMAIL', 'SMS', 'MESSAGING', 'SOCIAL', 'OTHER'] as const;

/** Someone shared an event (counted once per person, event and day); `sharedBy` is null for an anonymous visitor. */
export const EventShared = defineMessage('event.shared', z.object({ eventId: id, channel: z.enum(SHARE_CHANNELS), sharedBy: id.nullable() }));

/** Viewers of an event not counted before on that day (UTC), added to its `stats.views`. */
export const EventViewed = defineMessage(
  'event.viewed',
  z.object({ eventId: id, day: z.iso.date(), views: z.number().int().positive() }),
);

export const RsvpCounts = z.object({
  going: z.number().int(),
  interested: z.number().int(),
  maybe: z.number().int(),
  notGoing: z.number().int(),
  waitlisted: z.number().int(),
});

/**
 * An answer changed (or counts were repaired: no user). `counts` and `countsVersion` are
 * the event's absolute counts, filled in when the message is published, so consumers
 * converge on the newest reading whatever the order or duplication of messages.
 */
export const EventRsvp = defineMessage(
  'event.rsvp',
  z.object({
    eventId: id,
    userId: id.nullable(),
    previousStatus: answer.nullable(),
    status: answer.nullable(),
    waitlisted: z.boolean(),
    promoted: z.boolean().default(false),
    reconciled: z.boolean().default(false),
    counts: RsvpCounts.nullable().default(null),
    countsVersion: z.number().int().nonnegative().optional(),
  }),
);

/** What this service publishes on `events`; its consumers of that topic skip the others' types quietly. */
export const EVENT_TOPIC_TYPES: readonly string[] = [
  EventCreated,
  EventUpdated,
  EventCancelled,
  EventDeleted,
  EventRsvp,
  CoHostAdded,
  CoHostRemoved,
  PostCreated,
  EventShared,
  EventViewed,
].map(
  (contract) => contract.type,
);
