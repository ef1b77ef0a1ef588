import type { MessageBus, Subscription } from '../datasources/message-bus.js';
import type { Logger } from '../logger.js';
import { TOPICS, type CloudEvent } from '../domain/messaging/cloud-event.js';
import { CoHostRemoved, EventCancelled, EventDeleted, EventRsvp, EventUpdated } from '../domain/messaging/event-messages.js';
import { FriendshipDeleted } from '../domain/messaging/consumed-messages.js';
import type { LiveStats } from './live-stats.js';

/** What one message of the `events` topic means to live subscribers. */
interface LiveChange {
  eventId: string;
  /** Who may have lost sight of the event: everyone watching it, one user, or nobody. */
  accessLostBy: 'all' | string | null;
  counts?: { counts: NonNullable<ReturnType<typeof EventRsvp.parse>['counts']>; version: number; at: Date };
}

/** The message read through its type's contract; null for what live subscribers do not care about. */
function liveChangeOf(event: CloudEvent): LiveChange | null {
  if (EventRsvp.is(event)) {
    const data = EventRsvp.parse(event);
    return {
      eventId: data.eventId,
      // A withdrawn answer can end the membership that made a FRIENDS or PRIVATE event visible.
      accessLostBy: data.status === null && data.userId ? data.userId : null,
      ...(data.counts ? { counts: { counts: data.counts, version: data.countsVersion ?? 0, at: new Date(event.time) } } : {}),
    };
  }
  if (EventUpdated.is(event)) {
    const data = EventUpdated.parse(event);
    return { eventId: data.event.id, accessLostBy: data.changed.includes('privacy') ? 'all' : null };
  }
  if (EventDeleted.is(event)) return { eventId: EventDeleted.parse(event).eventId, accessLostBy: 'all' };
  if (EventCancelled.is(event)) return { eventId: EventCancelled.parse(event).eventId, accessLostBy: 'all' };
  if (CoHostRemoved.is(event)) {
    const data = CoHostRemoved.parse(event);
    return { eventId: data.eventId, accessLostBy: data.userId };
  }
  return null;
}

/** What each instance's live feed reads: changes of events, and friendships (an ended one ends streams). */
export const LIVE_FEED_TOPICS = [TOPICS.events, TOPICS.friendships];

/** Each instance's own group on `events`: a stable id per instance, not a random one per start. */
export function liveStatsGroupId(instanceId: string): string {
  return `events-subgraph-live-${instanceId}`;
}

/**
 * Feeds live counts from Kafka, and ends live streams that lost access. Each instance
 * reads in a consumer group of its own (a stable id per instance), so every instance
 * sees every answer and every change, wherever it was made.
 */
/** Every domain event of an event, wherever it was made: its counts only (`details` false), or more. */
export type EventChanged = (eventId: string, details: boolean) => void;

/** Types that change counts on an event, nothing that moves it in lists. */
const COUNTS_ONLY = new Set(['event.rsvp', 'event.post.created']);

export interface LiveStatsFeedOptions {
  bus: MessageBus;
  live: LiveStats;
  instanceId: string;
  logger: Logger;
  onEventChanged?: EventChanged;
  /** Whether two users are friends in the social graph now. */
  areFriends: (a: string, b: string) => Promise<boolean>;
}

/** How long an ended friendship may take to reach the graph before the streams it gave are checked anyway. */
const GRAPH_WAIT_MS = 10_000;

/**
 * The live streams an ended friendship gave (FRIENDS events of the other), checked again
 * once the graph shows it ended: another consumer group writes it there, maybe on another
 * instance, so this one waits for the graph rather than read it too early. Past the wait,
 * or with the graph away, they are checked anyway (a check that cannot decide ends the stream).
 */
async function endStreamsOfFriendship(options: LiveStatsFeedOptions, a: string, b: string): Promise<void> {
  const deadline = Date.now() + GRAPH_WAIT_MS;
  for (let pause = 20; Date.now() < deadline; pause = Math.min(pause * 2, 500)) {
    const friends = await options.areFriends(a, b).catch(() => false);
    if (!friends) break;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  await Promise.all([options.live.revalidateViewer(a), options.live.revalidateViewer(b)]);
}

export function startLiveStatsFeed(options: LiveStatsFeedOptions): Promise<Subscription> {
  const { bus, live, instanceId, logger, onEventChanged } = options;
  return bus.subscribe({
    groupId: liveStatsGroupId(instanceId),
    topics: LIVE_FEED_TOPICS,
    fromBeginning: false,
    handle: async (message) => {
      if (message.value === null) return;
      let change: LiveChange | null;
      try {
        const event = JSON.parse(message.value) as CloudEvent;
        if (message.topic === TOPICS.friendships) {
          if (!FriendshipDeleted.is(event)) return;
          const { userId, friendId } = FriendshipDeleted.parse(event);
          // Not awaited: the wait for the graph must not hold back the counts behind it.
          void endStreamsOfFriendship(options, userId, friendId).catch((error: unknown) =>
            logger.warn({ err: error }, 'live: could not check the streams of an ended friendship'),
          );
          return;
        }
        // Changes made on other instances reach this instance's caches here.
        if (onEventChanged && typeof event.subject === 'string') onEventChanged(event.subject, !COUNTS_ONLY.has(event.type));
        change = liveChangeOf(event);
      } catch (error) {
        logger.warn({ err: error, topic: message.topic, offset: message.offset }, 'live: a message does not match its contract; ignored');
        return;
      }
      if (!change) return;
      // Access first: whoever lost it does not get this message's counts.
      if (change.accessLostBy !== null) {
        await live.revalidate(change.eventId, change.accessLostBy === 'all' ? null : change.accessLostBy);
        logger.debug({ eventId: change.eventId }, 'live: access checked again');
      }
      if (change.counts) {
        live.publish({ eventId: change.eventId, ...change.counts });
        logger.trace({ eventId: change.eventId }, 'live: counts received');
      }
    },
  });
}
