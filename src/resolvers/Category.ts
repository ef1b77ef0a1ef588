import type { CategoryResolvers } from '../__generated__/resolvers-types.js';

export const Category: CategoryResolvers = {
  id: (category) => category._id,
  eventCount: (category, _, ctx) => ctx.categories.upcomingEventCount(category),
  upcomingEventCount: (category, _, ctx) => ctx.categories.upcomingEventCount(category),
};
