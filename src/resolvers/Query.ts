import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  event: async (_, { id }, ctx) => {
    ctx.reads.event(id);
    const event = await ctx.events.byId(id);
    if (event) ctx.eventViewed(event._id);
    return event;
  },
  events: async (_, { filter, first, after }, ctx) => {
    const page = await ctx.events.list(filter, first, after);
    ctx.reads.list(page.items.map((event) => event._id));
    return page;
  },
  myEvents: (_, { role, first, after }, ctx) => ctx.events.mine(role, first, after),
  categories: (_, __, ctx) => ctx.categories.all(),
  myInvitations: (_, { status, first, after }, ctx) => ctx.invitations.mine(status, first, after),
  searchEvents: (_, { query, filter, first, after }, ctx) => ctx.search.search(query, filter, first, after),
  nearbyEvents: (_, { near, radiusKm, filter, first, after }, ctx) => ctx.search.nearby(near, radiusKm, filter, first, after),
  trendingEvents: async (_, { first, after, category, near, radiusKm }, ctx) => {
    const page = await ctx.trending.trending(first, after, category, near, radiusKm);
    ctx.reads.rankedList(page.items.map((event) => event._id));
    return page;
  },
  recommendedEvents: (_, { first, after }, ctx) => ctx.recommendations.recommended(first, after),
  friendsBirthdays: (_, { withinDays }, ctx) => ctx.friends.birthdays(withinDays),
};
