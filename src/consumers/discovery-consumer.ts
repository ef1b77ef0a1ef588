import { TOPICS } from '../domain/messaging/cloud-event.js';
import { FriendshipCreated, FriendshipDeleted } from '../domain/messaging/consumed-messages.js';
import {
  EVENT_TOPIC_TYPES,
  EventCancelled,
  EventCreated,
  EventDeleted,
  EventRsvp,
  EventShared,
  EventUpdated,
  EventViewed,
  PostCreated,
} from '../domain/messaging/event-messages.js';
import type { CategoryCounts } from '../domain/discovery/category-counts.js';
import { answerWeight, type TrendingWeights } from '../domain/discovery/scoring.js';
import type { TrendingScores } from '../domain/discovery/trending-scores.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { on } from './event-handler.js';

/** The per-viewer cache that domain events invalidate. */
export interface ViewerCache {
  drop(viewerId: string): Promise<boolean>;
}

export interface DiscoveryConsumerDeps {
  scores: Pick<TrendingScores, 'record' | 'reposition'>;
  counts: Pick<CategoryCounts, 'changed'>;
  recommendations: ViewerCache;
  weights: TrendingWeights;
}

/** Changes that move an event on (or off) the trending board. */
const REPOSITIONING_FIELDS = new Set(['categoryId', 'status', 'startsAt', 'endsAt', 'privacy']);

/**
 * Discovery's view of the `events` topic, in one group for all instances (its state is
 * shared, in the store and Redis): interactions raise trending scores, changes move events
 * on the board and recount categories, and a viewer's answer drops their recommendations.
 */
export function discoveryConsumer(groupId: string, deps: DiscoveryConsumerDeps): ConsumerDefinition {
  const { scores, counts, recommendations, weights } = deps;
  return {
    name: 'discovery',
    topic: TOPICS.events,
    groupId,
    ignores: EVENT_TOPIC_TYPES,
    handlers: {
      [EventRsvp.type]: on(EventRsvp.data, async ({ data, time }) => {
        if (!data.userId) return;
        await recommendations.drop(data.userId);
        await scores.record(data.eventId, answerWeight(data.status, data.previousStatus, weights), new Date(time));
      }),
      [EventShared.type]: on(EventShared.data, ({ data, time }) => scores.record(data.eventId, weights.share, new Date(time))),
      [EventViewed.type]: on(EventViewed.data, ({ data, time }) => scores.record(data.eventId, weights.view * data.views, new Date(time))),
      [PostCreated.type]: on(PostCreated.data, ({ data, time }) => scores.record(data.eventId, weights.post, new Date(time))),
      [EventCreated.type]: on(EventCreated.data, async () => counts.changed()),
      [EventUpdated.type]: on(EventUpdated.data, async ({ data }) => {
        counts.changed();
        if (data.changed.some((field) => REPOSITIONING_FIELDS.has(field))) await scores.reposition(data.event.id, data.changed.includes('categoryId'));
      }),
      [EventCancelled.type]: on(EventCancelled.data, async ({ data }) => {
        counts.changed();
        await scores.reposition(data.eventId);
      }),
      [EventDeleted.type]: on(EventDeleted.data, async ({ data }) => {
        counts.changed();
        await scores.reposition(data.eventId);
      }),
    },
  };
}

/** A friendship of the viewer changed: who is going with whom, and what they may see, is different now. */
export function discoveryFriendshipsConsumer(groupId: string, deps: { recommendations: ViewerCache }): ConsumerDefinition {
  const drop = async (a: string, b: string) => {
    await Promise.all([deps.recommendations.drop(a), deps.recommendations.drop(b)]);
  };
  return {
    name: 'discovery-friendships',
    topic: TOPICS.friendships,
    groupId,
    handlers: {
      [FriendshipCreated.type]: on(FriendshipCreated.data, ({ data }) => drop(data.userId, data.friendId)),
      [FriendshipDeleted.type]: on(FriendshipDeleted.data, ({ data }) => drop(data.userId, data.friendId)),
    },
  };
}
