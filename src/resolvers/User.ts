import type { UserResolvers } from '../__generated__/resolvers-types.js';

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  hostedEvents: (user, { first, after }, ctx) => ctx.events.hostedBy(user.id, first, after),
  coHostedEvents: (user, { first, after }, ctx) => ctx.events.coHostedBy(user.id, first, after),
  rsvps: (user, { status, first, after }, ctx) => ctx.rsvps.ofUser(user.id, status, first, after),
};
