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

/** The fields of the `events` topic's messages that live subscribers care about. */
interface EventsTopicData extends Partial<RsvpEventData> {
  eventId?: string;
  userId?: string | null;
  changed?: string[];
}

function eventsMessageOf(value: string | null): CloudEvent<EventsTopicData> | null {
  if (value === null) return null;
  try {
    const event = JSON.parse(value) as CloudEvent<EventsTopicData>;
    return typeof event.type === 'string' && typeof event.subject === 'string' && typeof event.data === 'object' && event.data !== null ? event : null;
  } catch {
    return null;
  }
}

/** Each instance's own group on `events`: a stable id per instance, not a random one per start. */
export function liveStatsGroupId(instanceId: string): string {
  return `events-subgraph-live-${instanceId}`;
}

/**
 * Who may have lost sight of the event through this message: everyone watching it
 * (`'all'`), one user, or nobody (null).
 */
function accessLostBy(message: CloudEvent<EventsTopicData>): 'all' | string | null {
  switch (message.type) {
    case 'event.updated':
      return message.data.changed?.includes('privacy') ? 'all' : null;
    case 'event.deleted':
    case 'event.cancelled':
      return 'all';
    case 'event.cohost.removed':
      return message.data.userId ?? 'all';
    case 'event.rsvp':
      // A withdrawn answer can end the membership that made a FRIENDS or PRIVATE event visible.
      return message.data.status === null && message.data.userId ? message.data.userId : null;
    default:
      return null;
  }
}

/**
 * Feeds live counts from Kafka, and ends live streams that lost access. Each instance
 * reads in a consumer group of its own (a stable id per instance), so every instance
 * sees every answer and every change, wherever it was made.
 */
export function startLiveStatsFeed(bus: MessageBus, live: LiveStats, instanceId: string, logger: Logger): Promise<Subscription> {
  return bus.subscribe({
    groupId: liveStatsGroupId(instanceId),
    topics: [TOPICS.events],
    fromBeginning: false,
    handle: async (value) => {
      const message = eventsMessageOf(value.value);
      if (!message) return;
      const eventId = message.data.eventId ?? message.subject;
      // Access first: whoever lost it does not get this message's counts.
      const affected = accessLostBy(message);
      if (affected !== null) {
        await live.revalidate(eventId, affected === 'all' ? null : affected);
        logger.debug({ eventId, type: message.type }, 'live: access checked again');
      }
      if (message.type === 'event.rsvp' && message.data.counts) {
        live.publish({ eventId, counts: message.data.counts, version: message.data.countsVersion ?? 0, at: new Date(message.time) });
        logger.trace({ eventId }, 'live: counts received');
      }
    },
  });
}
