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

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
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
