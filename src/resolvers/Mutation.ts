import type { MutationResolvers } from '../__generated__/resolvers-types.js';

export const Mutation: MutationResolvers = {
  createEvent: (_, { input }, ctx) => ctx.events.create(input),
  updateEvent: (_, { id, input }, ctx) => ctx.events.update(id, input),
  cancelEvent: (_, { id, reason }, ctx) => ctx.events.cancel(id, reason),
  deleteEvent: (_, { id }, ctx) => ctx.events.delete(id),
  addCoHost: (_, { eventId, userId }, ctx) => ctx.events.addCoHost(eventId, userId),
  removeCoHost: (_, { eventId, userId }, ctx) => ctx.events.removeCoHost(eventId, userId),
  rsvp: (_, { eventId, status }, ctx) => ctx.rsvps.answer(eventId, status),
  removeRsvp: (_, { eventId }, ctx) => ctx.rsvps.withdraw(eventId),
  checkIn: (_, { eventId, userId, state }, ctx) => ctx.rsvps.checkIn(eventId, userId, state),
  createPost: (_, { eventId, body, media }, ctx) => ctx.posts.create(eventId, body, media),
  deletePost: (_, { id }, ctx) => ctx.posts.delete(id),
  addComment: (_, { postId, body }, ctx) => ctx.posts.addComment(postId, body),
  deleteComment: (_, { id }, ctx) => ctx.posts.deleteComment(id),
  reactToPost: (_, { postId, reaction }, ctx) => ctx.posts.react(postId, reaction),
  inviteFriends: (_, { eventId, userIds, message }, ctx) => ctx.invitations.invite(eventId, userIds, message),
  respondToInvitation: (_, { id, accept }, ctx) => ctx.invitations.respond(id, accept),
  shareEvent: (_, { eventId, channel }, ctx) => ctx.shares.share(eventId, channel),
};
