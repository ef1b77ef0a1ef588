import type { FriendBirthdayResolvers } from '../__generated__/resolvers-types.js';

export const FriendBirthday: FriendBirthdayResolvers = {
  user: (birthday) => ({ id: birthday.userId }),
};
