import type { RsvpResolvers } from '../__generated__/resolvers-types.js';

export const Rsvp: RsvpResolvers = {
  event: (rsvp, _, ctx) => ctx.events.byId(rsvp.eventId),
  user: (rsvp) => ({ id: rsvp.userId }),
  waitlisted: (rsvp) => rsvp.bucket === 'WAITLISTED',
  waitlistPosition: (rsvp, _, ctx) => ctx.rsvps.waitlistPosition(rsvp),
  checkIn: async (rsvp, _, ctx) => ((await ctx.rsvps.checkInVisible(rsvp)) ? rsvp.checkIn : null),
  checkedInAt: async (rsvp, _, ctx) => ((await ctx.rsvps.checkInVisible(rsvp)) ? rsvp.checkedInAt : null),
};
