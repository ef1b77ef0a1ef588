import type { AttendeeConnectionResolvers, AttendeeEdgeResolvers } from '../__generated__/resolvers-types.js';
import type { RsvpRecord } from '../domain/rsvps/model.js';
import { connectionResolvers } from './connection.js';

const { pageInfo, totalCount } = connectionResolvers<RsvpRecord>();

export const AttendeeConnection: AttendeeConnectionResolvers = {
  edges: (page) => page.items.map((rsvp) => ({ cursor: page.cursorOf(rsvp), rsvp, showCheckIn: page.showCheckIn })),
  pageInfo,
  totalCount,
};

export const AttendeeEdge: AttendeeEdgeResolvers = {
  node: (edge) => ({ id: edge.rsvp.userId }),
  status: (edge) => edge.rsvp.status,
  waitlisted: (edge) => edge.rsvp.bucket === 'WAITLISTED',
  respondedAt: (edge) => edge.rsvp.respondedAt,
  checkIn: (edge) => (edge.showCheckIn ? edge.rsvp.checkIn : null),
};
