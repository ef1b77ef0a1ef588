import type { RecommendationReasonResolvers } from '../__generated__/resolvers-types.js';

export const RecommendationReason: RecommendationReasonResolvers = {
  count: (reason) => ('count' in reason ? reason.count : null),
  friends: (reason) => (reason.kind === 'FRIENDS_GOING' ? reason.friendIds.map((id) => ({ id })) : []),
  interest: (reason) => (reason.kind === 'MATCHES_INTEREST' ? reason.interest : null),
  distanceKm: (reason) => (reason.kind === 'NEARBY' ? reason.distanceKm : null),
};
