import type { MessageBus, Subscription } from '../datasources/message-bus.js';
import type { Logger } from '../logger.js';
import { TOPICS, type CloudEvent } from '../domain/messaging/cloud-event.js';
import { EventRsvp } from '../domain/messaging/event-messages.js';
import type { LiveStats } from './live-stats.js';

/** The `event.rsvp` in a message, checked against its contract; null for anything else. */
function rsvpEventOf(value: string | null, logger: Logger) {
  if (value === null) return null;
  let event: CloudEvent;
  try {
    event = JSON.parse(value) as CloudEvent;
  } catch {
    return null;
  }
  if (!EventRsvp.is(event)) return null;
  try {
    return { time: event.time, data: EventRsvp.parse(event) };
  } catch (error) {
    logger.warn({ err: error, eventId: event.id }, 'live: event.rsvp does not match its contract; ignored');
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
      const event = rsvpEventOf(message.value, logger);
      if (!event?.data.counts) return;
      live.publish({ eventId: event.data.eventId, counts: event.data.counts, version: event.data.countsVersion ?? 0, at: new Date(event.time) });
      logger.trace({ eventId: event.data.eventId }, 'live: counts received');
    },
  });
}
