import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  createEvent: (_, { input }, ctx) => ctx.events.create(input),
  updateEvent: (_, { id, input }, ctx) => ctx.events.update(id, input),
  cancelEvent: (_, { id, reason }, ctx) => ctx.events.cancel(id, reason),
  deleteEvent: (_, { id }, ctx) => ctx.events.delete(id),
  addCoHost: (_, { eventId, userId }, ctx) => ctx.events.addCoHost(eventId, userId),
  removeCoHost: (_, { eventId, userId }, ctx) => ctx.events.removeCoHost(eventId, userId),
};
