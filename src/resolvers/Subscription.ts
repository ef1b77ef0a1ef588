import type { SubscriptionResolvers } from '../__generated__/resolvers-types.js';

export const Subscription: SubscriptionResolvers = {
  eventStatsChanged: {
    subscribe: (_, { eventId }, ctx) => ctx.rsvps.liveStats(eventId),
    resolve: (change: unknown) => change as never,
  },
};
