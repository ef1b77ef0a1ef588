import type { z } from 'zod';
import type { EventSnapshot } from '../messaging/event-messages.js';
import type { EventRecord } from './model.js';

/** The event as other services see it in domain events: no storage internals. */
export function eventSnapshot(event: EventRecord): z.input<typeof EventSnapshot> {
  return {
    id: event._id,
    title: event.title,
    description: event.description,
    hostId: event.hostId,
    coHostIds: event.coHostIds,
    privacy: event.privacy,
    status: event.status,
    categoryId: event.categoryId,
    tags: event.tags,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timeZone: event.timeZone,
    location: event.location,
    isVirtual: event.virtualLink !== null,
    capacity: event.capacity,
    price: event.price,
    mediaUrls: event.mediaUrls,
    stats: { ...event.stats },
    cancellationReason: event.cancellationReason,
    createdAt: event.createdAt.toISOString(),
    updatedAt: event.updatedAt.toISOString(),
  };
}
