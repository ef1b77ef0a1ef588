import type { FriendsGoingResolvers } from '../__generated__/resolvers-types.js';

export const FriendsGoing: FriendsGoingResolvers = {
  friends: (going) => going.friendIds.map((id) => ({ id })),
};
