import type { MessageBus, Subscription } from '../datasources/message-bus.js';
import type { Logger } from '../logger.js';
import { TOPICS, type CloudEvent } from '../domain/messaging/cloud-event.js';
import type { RsvpCounts, RsvpStatus } from '../domain/rsvps/model.js';
import type { LiveStats } from './live-stats.js';

export interface RsvpEventData {
  eventId: string;
  userId: string | null;
  previousStatus: RsvpStatus | null;
  status: RsvpStatus | null;
  counts: RsvpCounts | null;
  countsVersion?: number;
}

function rsvpEventOf(value: string | null): CloudEvent<RsvpEventData> | null {
  if (value === null) return null;
  try {
    const event = JSON.parse(value) as CloudEvent<RsvpEventData>;
    return event.type === 'event.rsvp' && typeof event.data?.eventId === 'string' ? event : null;
  } catch {
    return null;
  }
}

/** Each instance's own group on `events`: a stable id per instance, not a random one per start. */
export function liveStatsGroupId(instanceId: string): string {
  return `events-subgraph-live-${instanceId}`;
}

/**
 * Feeds live counts from Kafka. Each instance reads in a consumer group of its own
 * (a stable id per instance), so every instance sees every answer, wherever it was made.
 */
export function startLiveStatsFeed(bus: MessageBus, live: LiveStats, instanceId: string, logger: Logger): Promise<Subscription> {
  return bus.subscribe({
    groupId: liveStatsGroupId(instanceId),
    topics: [TOPICS.events],
    fromBeginning: false,
    handle: async (message) => {
      const event = rsvpEventOf(message.value);
      if (!event?.data.counts) return;
      live.publish({ eventId: event.data.eventId, counts: event.data.counts, version: event.data.countsVersion ?? 0, at: new Date(event.time) });
      logger.trace({ eventId: event.data.eventId }, 'live: counts received');
    },
  });
}
