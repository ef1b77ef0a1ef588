import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Category } from './Category.js';
import { Comment } from './Comment.js';
import { CommentConnection } from './CommentConnection.js';
import { Event } from './Event.js';
import { EventConnection } from './EventConnection.js';
import { Mutation } from './Mutation.js';
import { Post } from './Post.js';
import { PostConnection } from './PostConnection.js';
import { Query } from './Query.js';
import { ReactionCounts } from './ReactionCounts.js';
import { User } from './User.js';
import { AttendeeConnection, AttendeeEdge } from './AttendeeConnection.js';
import { Rsvp } from './Rsvp.js';
import { RsvpConnection } from './RsvpConnection.js';
import { Subscription } from './Subscription.js';
import { Invitation } from './Invitation.js';
import { InvitationConnection } from './InvitationConnection.js';
import { NearbyEventConnection, NearbyEventEdge } from './NearbyEventConnection.js';
import { RecommendationConnection, RecommendationEdge } from './RecommendationConnection.js';
import { RecommendationReason } from './RecommendationReason.js';
import { FriendsGoing } from './FriendsGoing.js';
import { FriendBirthday } from './FriendBirthday.js';

/**
 * graphql-scalars' DateTime serialises to a Date, which JSON.stringify turns into the
 * same ISO text through `toJSON` — but any `toJSON` in an answer sends the whole answer
 * down JSON.stringify's slow path (three times slower for a page of events).
 */
const isoTexts = new WeakMap<Date, string>();

/**
 * The ISO text of a stored date, kept per Date object: stored documents are never
 * changed in place (the embedded store freezes and replaces them), and a page of events
 * shows each of its dates on every read.
 */
function isoText(date: Date): string {
  let text = isoTexts.get(date);
  if (text === undefined) isoTexts.set(date, (text = date.toISOString()));
  return text;
}

const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize(value) {
    // What the store hands out; anything else is checked and converted by graphql-scalars.
    if (value instanceof Date && !Number.isNaN(value.getTime())) return isoText(value);
    const serialized: unknown = DateTimeResolver.serialize(value);
    return serialized instanceof Date ? serialized.toISOString() : serialized;
  },
});

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Subscription,
  Event,
  EventConnection,
  Category,
  User,
  Post,
  PostConnection,
  ReactionCounts,
  Comment,
  CommentConnection,
  Rsvp,
  RsvpConnection,
  AttendeeConnection,
  AttendeeEdge,
  Invitation,
  InvitationConnection,
  NearbyEventConnection,
  NearbyEventEdge,
  RecommendationConnection,
  RecommendationEdge,
  RecommendationReason,
  FriendsGoing,
  FriendBirthday,
};
