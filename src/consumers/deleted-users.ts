import type { SocialGraph } from '../datasources/social-graph.js';
import type { UserRepository } from '../datasources/user-repository.js';

/**
 * Removes from the graph those of `userIds` that are deleted users. Called by a consumer
 * right after a graph write that may have created a user's node: the `user.deleted`
 * cleanup writes the tombstone before it removes the node, so either that removal comes
 * after our write, or this check sees the tombstone. Either way no node is left behind.
 */
export async function forgetDeletedUsers(graph: SocialGraph, users: UserRepository, userIds: readonly string[]): Promise<void> {
  for (const userId of await users.deletedAmong(userIds)) await graph.removeUser(userId);
}
