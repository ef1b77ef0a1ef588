import type { QueryResolvers } from '../__generated__/resolvers-types.js';

export const Query: QueryResolvers = {
  event: (_, { id }, ctx) => ctx.events.byId(id),
  events: (_, { filter, first, after }, ctx) => ctx.events.list(filter, first, after),
  myEvents: (_, { role, first, after }, ctx) => ctx.events.mine(role, first, after),
  categories: (_, __, ctx) => ctx.categories.all(),
  myInvitations: (_, { status, first, after }, ctx) => ctx.invitations.mine(status, first, after),
};
