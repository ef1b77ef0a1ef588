import type { ReactionCountsResolvers } from '../__generated__/resolvers-types.js';
import { totalReactions } from '../domain/posts/model.js';

export const ReactionCounts: ReactionCountsResolvers = {
  total: (counts) => totalReactions(counts),
};
