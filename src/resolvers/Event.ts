import type { EventResolvers } from '../__generated__/resolvers-types.js';
import { entity } from './entity.js';

export const Event: EventResolvers = {
  __resolveReference: (reference, ctx) => entity(ctx.events.byId(reference.id)),
  id: (event) => event._id,
  host: (event) => ({ id: event.hostId }),
  coHosts: (event) => event.coHostIds.map((id) => ({ id })),
  category: (event, _, ctx) => (event.categoryId ? ctx.categories.byId(event.categoryId) : null),
  virtualLink: (event, _, ctx) => ctx.events.virtualLinkFor(event),
  isVirtual: (event) => event.virtualLink !== null,
  viewerRsvp: (event, _, ctx) => ctx.rsvps.viewerRsvp(event),
  attendees: (event, { status, first, after }, ctx) => ctx.rsvps.attendees(event, status, first, after),
  posts: (event, { first, after }, ctx) => ctx.posts.forEvent(event, first, after),
  invitations: (event, { status, first, after }, ctx) => ctx.invitations.forEvent(event, status, first, after),
  friendsGoing: (event, { first }, ctx) => ctx.friends.going(event, first),
};
