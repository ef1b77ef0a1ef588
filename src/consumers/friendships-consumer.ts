import type { SocialGraph } from '../datasources/social-graph.js';
import type { UserRepository } from '../datasources/user-repository.js';
import { TOPICS } from '../domain/messaging/cloud-event.js';
import { FriendshipCreated, FriendshipDeleted } from '../domain/messaging/consumed-messages.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { on } from './event-handler.js';
import { forgetDeletedUsers } from './deleted-users.js';

export interface FriendshipsConsumerDeps {
  graph: SocialGraph;
  users: UserRepository;
}

/**
 * The `friendships` topic mirrored into the graph's `FRIENDS_WITH` relations. The
 * friendships service keys messages by the user who acted, so a creation and a deletion
 * of one pair may sit on different partitions and arrive in either order: each pair is
 * decided by the newest message `time` (see SocialGraph.setFriendship), whatever the
 * order, redeliveries and replays.
 */
export function friendshipsConsumer(groupId: string, { graph, users }: FriendshipsConsumerDeps): ConsumerDefinition {
  const decide = async (a: string, b: string, friends: boolean, time: string, since?: string) => {
    await graph.setFriendship(a, b, { friends, at: new Date(time), ...(since ? { since: new Date(since) } : {}) });
    // The write may have recreated the node of a user deleted meanwhile.
    await forgetDeletedUsers(graph, users, [a, b]);
  };
  return {
    name: 'friendships',
    topic: TOPICS.friendships,
    groupId,
    handlers: {
      [FriendshipCreated.type]: on(FriendshipCreated.data, ({ data, time }) => decide(data.userId, data.friendId, true, time, data.since)),
      [FriendshipDeleted.type]: on(FriendshipDeleted.data, ({ data, time }) => decide(data.userId, data.friendId, false, time)),
    },
  };
}
