import { z } from 'zod';
import type { SocialGraph } from '../datasources/social-graph.js';
import { TOPICS } from '../domain/messaging/cloud-event.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { on } from './event-handler.js';

const Pair = z
  .object({ userId: z.string().min(1), friendId: z.string().min(1) })
  .refine(({ userId, friendId }) => userId !== friendId, 'userId and friendId must differ');

const FriendshipCreated = z
  .object({
    userId: z.string().min(1),
    friendId: z.string().min(1),
    /** Defaults to the envelope's `time`. */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .refine(({ userId, friendId }) => userId !== friendId, 'userId and friendId must differ');

/**
 * The `friendships` topic mirrored into the graph's `FRIENDS_WITH` relations. Both
 * graph writes are idempotent (MERGE / DELETE), so a re-run converges.
 */
export function friendshipsConsumer(groupId: string, graph: SocialGraph): ConsumerDefinition {
  return {
    name: 'friendships',
    topic: TOPICS.friendships,
    groupId,
    handlers: {
      'friendship.created': on(FriendshipCreated, ({ data, time }) =>
        graph.addFriendship(data.userId, data.friendId, new Date(data.since ?? time)),
      ),
      'friendship.deleted': on(Pair, ({ data }) => graph.removeFriendship(data.userId, data.friendId)),
    },
  };
}
