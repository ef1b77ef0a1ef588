import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { EventRecord as EventRecordModel, EventPage as EventPageModel } from '../domain/events/model.js';
import type { CategoryRecord as CategoryRecordModel } from '../domain/categories/model.js';
import type { UserRef as UserRefModel } from '../domain/users/model.js';
import type { PostRecord as PostRecordModel, PostPage as PostPageModel, CommentRecord as CommentRecordModel, CommentPage as CommentPageModel, ReactionCounts as ReactionCountsModel } from '../domain/posts/model.js';
import type { RsvpRecord as RsvpRecordModel, RsvpPage as RsvpPageModel, AttendeePage as AttendeePageModel, AttendeeEdgeModel as AttendeeEdgeModelModel, EventStatsChange as EventStatsChangeModel } from '../domain/rsvps/model.js';
import type { InvitationRecord as InvitationRecordModel, InvitationPage as InvitationPageModel, InviteFriendsResult as InviteFriendsResultModel } from '../domain/invitations/model.js';
import type { NearbyPage as NearbyPageModel, NearbyEdgeModel as NearbyEdgeModelModel, RecommendationPage as RecommendationPageModel, RecommendationEdgeModel as RecommendationEdgeModelModel, RecommendationReasonModel as RecommendationReasonModelModel, FriendsGoingModel as FriendsGoingModelModel, FriendBirthdayModel as FriendBirthdayModelModel } from '../domain/discovery/model.js';
import type { RequestContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 date-time with offset, e.g. 2026-12-31T19:00:00Z. */
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type AttendeeConnection = {
  __typename?: 'AttendeeConnection';
  edges: Array<AttendeeEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

/** A person who answered an event, with their answer. */
export type AttendeeEdge = {
  __typename?: 'AttendeeEdge';
  /** Shown to the host and co-hosts only. */
  checkIn?: Maybe<CheckInState>;
  cursor: Scalars['String']['output'];
  node: User;
  respondedAt: Scalars['DateTime']['output'];
  status: RsvpStatus;
  waitlisted: Scalars['Boolean']['output'];
};

export type Category = {
  __typename?: 'Category';
  /** A #rrggbb colour. */
  color: Scalars['String']['output'];
  /**
   * Upcoming active public events in this category.
   * @deprecated Use upcomingEventCount.
   */
  eventCount: Scalars['Int']['output'];
  /** An emoji that stands for the category. */
  icon: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** Upcoming active PUBLIC events in the category (refreshed about every minute). */
  upcomingEventCount: Scalars['Int']['output'];
};

export type CheckInState =
  | 'ATTENDED'
  | 'NO_SHOW';

export type Comment = {
  __typename?: 'Comment';
  /** Null once the author's account is deleted or anonymised. */
  author?: Maybe<User>;
  body: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  post: Post;
};

export type CommentConnection = {
  __typename?: 'CommentConnection';
  edges: Array<CommentEdge>;
  pageInfo: PageInfo;
  /** Comments on the post. */
  totalCount: Scalars['Int']['output'];
};

export type CommentEdge = {
  __typename?: 'CommentEdge';
  cursor: Scalars['String']['output'];
  node: Comment;
};

export type CreateEventInput = {
  capacity?: InputMaybe<Scalars['Int']['input']>;
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  endsAt: Scalars['DateTime']['input'];
  location?: InputMaybe<LocationInput>;
  mediaUrls?: InputMaybe<Array<Scalars['String']['input']>>;
  price?: InputMaybe<MoneyInput>;
  privacy?: InputMaybe<EventPrivacy>;
  startsAt: Scalars['DateTime']['input'];
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  timeZone: Scalars['String']['input'];
  title: Scalars['String']['input'];
  virtualLink?: InputMaybe<Scalars['String']['input']>;
};

export type Event = {
  __typename?: 'Event';
  /** People who answered, earliest first; GOING includes the waitlist unless filtered out by status. */
  attendees: AttendeeConnection;
  cancellationReason?: Maybe<Scalars['String']['output']>;
  /** Seats for GOING answers; null means unlimited. */
  capacity?: Maybe<Scalars['Int']['output']>;
  category?: Maybe<Category>;
  coHosts: Array<User>;
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  endsAt: Scalars['DateTime']['output'];
  /** The viewer's friends who are going, first `first` of them (0–20, default 3); count 0 for anonymous viewers. */
  friendsGoing: FriendsGoing;
  host: User;
  id: Scalars['ID']['output'];
  /** Invitations to this event, newest first; host and co-hosts only. */
  invitations: InvitationConnection;
  isVirtual: Scalars['Boolean']['output'];
  /** Physical venue; null for an online-only event. */
  location?: Maybe<Location>;
  mediaUrls: Array<Scalars['String']['output']>;
  /** Discussion posts, newest first. */
  posts: PostConnection;
  price?: Maybe<Money>;
  privacy: EventPrivacy;
  startsAt: Scalars['DateTime']['output'];
  stats: EventStats;
  status: EventStatus;
  tags: Array<Scalars['String']['output']>;
  /** IANA time zone the event is held in, e.g. Europe/Paris. */
  timeZone: Scalars['String']['output'];
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** The viewer's own answer, if any. */
  viewerRsvp?: Maybe<Rsvp>;
  /** Link to join online; shown only to people who may attend. */
  virtualLink?: Maybe<Scalars['String']['output']>;
};


export type EventAttendeesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<RsvpStatus>;
};


export type EventFriendsGoingArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type EventInvitationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<InvitationStatus>;
};


export type EventPostsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type EventConnection = {
  __typename?: 'EventConnection';
  edges: Array<EventEdge>;
  pageInfo: PageInfo;
  /** Matching events visible to the viewer (one extra query, only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type EventEdge = {
  __typename?: 'EventEdge';
  cursor: Scalars['String']['output'];
  node: Event;
};

export type EventFilter = {
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  hostId?: InputMaybe<Scalars['ID']['input']>;
  startsAfter?: InputMaybe<Scalars['DateTime']['input']>;
  startsBefore?: InputMaybe<Scalars['DateTime']['input']>;
  status?: InputMaybe<EventStatus>;
  /** Events carrying every one of these tags. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Who can see an event. */
export type EventPrivacy =
  /** The host's friends, co-hosts, invitees and attendees. */
  | 'FRIENDS'
  /** Only the host, co-hosts, invitees and attendees. */
  | 'PRIVATE'
  /** Everyone, signed in or not. */
  | 'PUBLIC';

export type EventStats = {
  __typename?: 'EventStats';
  going: Scalars['Int']['output'];
  interested: Scalars['Int']['output'];
  maybe: Scalars['Int']['output'];
  notGoing: Scalars['Int']['output'];
  posts: Scalars['Int']['output'];
  shares: Scalars['Int']['output'];
  views: Scalars['Int']['output'];
  waitlisted: Scalars['Int']['output'];
};

/** Live answer counts of one event. */
export type EventStatsChange = {
  __typename?: 'EventStatsChange';
  /** When the change that produced these counts was made. */
  at: Scalars['DateTime']['output'];
  counts: RsvpCounts;
  eventId: Scalars['ID']['output'];
  /** Grows with every change; a client keeps the reading with the highest version. */
  version: Scalars['Int']['output'];
};

export type EventStatus =
  | 'ACTIVE'
  | 'CANCELLED'
  | 'COMPLETED';

/** A friend's birthday; the year of birth is never shown. */
export type FriendBirthday = {
  __typename?: 'FriendBirthday';
  day: Scalars['Int']['output'];
  /** 0 for today. */
  inDays: Scalars['Int']['output'];
  month: Scalars['Int']['output'];
  /** The next day it is celebrated (today included), YYYY-MM-DD in UTC; 28 February in common years for a 29 February birthday. */
  nextOn: Scalars['String']['output'];
  user: User;
};

/** How many of the viewer's friends are going, and the first few of them. */
export type FriendsGoing = {
  __typename?: 'FriendsGoing';
  count: Scalars['Int']['output'];
  friends: Array<User>;
};

/** A point on Earth in decimal degrees. */
export type GeoPointInput = {
  /** Latitude, -90 to 90. */
  lat: Scalars['Float']['input'];
  /** Longitude, -180 to 180. */
  lng: Scalars['Float']['input'];
};

/**
 * An invitation of one person to one event. There is at most one per (event, invitee):
 * once answered, the same person cannot be invited to that event again.
 */
export type Invitation = {
  __typename?: 'Invitation';
  createdAt: Scalars['DateTime']['output'];
  /** Null once the event is deleted or no longer visible to the viewer. */
  event?: Maybe<Event>;
  id: Scalars['ID']['output'];
  invitee: User;
  inviter: User;
  message?: Maybe<Scalars['String']['output']>;
  /** When the invitee accepted or declined; null while pending. */
  respondedAt?: Maybe<Scalars['DateTime']['output']>;
  status: InvitationStatus;
};

export type InvitationConnection = {
  __typename?: 'InvitationConnection';
  edges: Array<InvitationEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type InvitationEdge = {
  __typename?: 'InvitationEdge';
  cursor: Scalars['String']['output'];
  node: Invitation;
};

export type InvitationSkip = {
  __typename?: 'InvitationSkip';
  reason: InvitationSkipReason;
  userId: Scalars['ID']['output'];
};

/** Why a person was not invited. */
export type InvitationSkipReason =
  /** They answered the event, or an earlier invitation to it, already. */
  | 'ALREADY_ANSWERED'
  /** Someone invited them already and they have not answered yet. */
  | 'ALREADY_INVITED'
  | 'IS_HOST_OR_COHOST'
  | 'IS_SELF'
  /** Not a friend of the inviter. */
  | 'NOT_A_FRIEND';

/** Where an invitation stands. */
export type InvitationStatus =
  | 'ACCEPTED'
  | 'DECLINED'
  | 'PENDING';

export type InviteFriendsResult = {
  __typename?: 'InviteFriendsResult';
  /** Invitations created by this call, in the order of the given user ids. */
  invited: Array<Invitation>;
  /** The others, each with its reason. */
  skipped: Array<InvitationSkip>;
};

export type Location = {
  __typename?: 'Location';
  address?: Maybe<Scalars['String']['output']>;
  latitude: Scalars['Float']['output'];
  longitude: Scalars['Float']['output'];
  name: Scalars['String']['output'];
};

export type LocationInput = {
  address?: InputMaybe<Scalars['String']['input']>;
  latitude: Scalars['Float']['input'];
  longitude: Scalars['Float']['input'];
  name: Scalars['String']['input'];
};

/** A price in the currency's minor unit (cents for USD). */
export type Money = {
  __typename?: 'Money';
  amountMinor: Scalars['Int']['output'];
  /** ISO 4217 code, e.g. EUR. */
  currency: Scalars['String']['output'];
};

export type MoneyInput = {
  amountMinor: Scalars['Int']['input'];
  currency: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Host only. */
  addCoHost: Event;
  addComment: Comment;
  /** Host or co-host; attendees are told the reason. */
  cancelEvent: Event;
  /** Host or co-host: records whether a GOING attendee came. */
  checkIn: Rsvp;
  createEvent: Event;
  /** Posts on an active event the viewer can see (PRIVATE events: organisers, invitees and people who answered). */
  createPost: Post;
  /** The comment's author, the post's author, the host or a co-host. Returns the id of the deleted comment. */
  deleteComment: Scalars['ID']['output'];
  /** Host only. Returns the id of the deleted event. */
  deleteEvent: Scalars['ID']['output'];
  /** The author, the host or a co-host. Removes the post's comments and reactions too. Returns the id of the deleted post. */
  deletePost: Scalars['ID']['output'];
  /**
   * Invites friends of the viewer (1–50 distinct user ids) to an active event. The host
   * and co-hosts may invite; so may anyone GOING (seated or waitlisted) to a PUBLIC or
   * FRIENDS event. People who cannot be invited are skipped with a reason.
   */
  inviteFriends: InviteFriendsResult;
  /** Sets the viewer's reaction (one per post, changeable); null removes it. */
  reactToPost: Post;
  /** Host only. */
  removeCoHost: Event;
  /** Withdraws the viewer's answer; a freed seat goes to the first in the waitlist. */
  removeRsvp: Event;
  /** The invitee accepts (answers GOING; capacity and waitlist apply) or declines a pending invitation. */
  respondToInvitation: Invitation;
  /** Answers (or changes the answer to) an event the viewer can see. GOING beyond capacity joins the waitlist. */
  rsvp: Rsvp;
  /** Counts a share of an event the viewer can see (once per person, event and day) and returns the event. */
  shareEvent: Event;
  /** Host or co-host. */
  updateEvent: Event;
};


export type MutationAddCoHostArgs = {
  eventId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};


export type MutationAddCommentArgs = {
  body: Scalars['String']['input'];
  postId: Scalars['ID']['input'];
};


export type MutationCancelEventArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCheckInArgs = {
  eventId: Scalars['ID']['input'];
  state?: InputMaybe<CheckInState>;
  userId: Scalars['ID']['input'];
};


export type MutationCreateEventArgs = {
  input: CreateEventInput;
};


export type MutationCreatePostArgs = {
  body: Scalars['String']['input'];
  eventId: Scalars['ID']['input'];
  media?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type MutationDeleteCommentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteEventArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeletePostArgs = {
  id: Scalars['ID']['input'];
};


export type MutationInviteFriendsArgs = {
  eventId: Scalars['ID']['input'];
  message?: InputMaybe<Scalars['String']['input']>;
  userIds: Array<Scalars['ID']['input']>;
};


export type MutationReactToPostArgs = {
  postId: Scalars['ID']['input'];
  reaction?: InputMaybe<Reaction>;
};


export type MutationRemoveCoHostArgs = {
  eventId: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};


export type MutationRemoveRsvpArgs = {
  eventId: Scalars['ID']['input'];
};


export type MutationRespondToInvitationArgs = {
  accept: Scalars['Boolean']['input'];
  id: Scalars['ID']['input'];
};


export type MutationRsvpArgs = {
  eventId: Scalars['ID']['input'];
  status: RsvpStatus;
};


export type MutationShareEventArgs = {
  channel: ShareChannel;
  eventId: Scalars['ID']['input'];
};


export type MutationUpdateEventArgs = {
  id: Scalars['ID']['input'];
  input: UpdateEventInput;
};

export type MyEventRole =
  /** Hosted or co-hosted. */
  | 'ANY'
  | 'COHOST'
  | 'HOST';

export type NearbyEventConnection = {
  __typename?: 'NearbyEventConnection';
  edges: Array<NearbyEventEdge>;
  pageInfo: PageInfo;
  /** Events within the radius that the viewer may see. */
  totalCount: Scalars['Int']['output'];
};

export type NearbyEventEdge = {
  __typename?: 'NearbyEventEdge';
  cursor: Scalars['String']['output'];
  /** Great-circle distance from the point asked about, in kilometres. */
  distanceKm: Scalars['Float']['output'];
  node: Event;
};

/** Relay pagination state for a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** A discussion post on an event; visible to whoever may see the event. */
export type Post = {
  __typename?: 'Post';
  /** Null once the author's account is deleted or anonymised. */
  author?: Maybe<User>;
  body: Scalars['String']['output'];
  commentCount: Scalars['Int']['output'];
  /** Comments, oldest first. */
  comments: CommentConnection;
  createdAt: Scalars['DateTime']['output'];
  event: Event;
  id: Scalars['ID']['output'];
  mediaUrls: Array<Scalars['String']['output']>;
  reactionCounts: ReactionCounts;
  updatedAt: Scalars['DateTime']['output'];
  /** The viewer's own reaction; null when they have none or are anonymous. */
  viewerReaction?: Maybe<Reaction>;
};


/** A discussion post on an event; visible to whoever may see the event. */
export type PostCommentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type PostConnection = {
  __typename?: 'PostConnection';
  edges: Array<PostEdge>;
  pageInfo: PageInfo;
  /** Posts on the event (one extra query, only when asked for). */
  totalCount: Scalars['Int']['output'];
};

export type PostEdge = {
  __typename?: 'PostEdge';
  cursor: Scalars['String']['output'];
  node: Post;
};

export type Query = {
  __typename?: 'Query';
  categories: Array<Category>;
  /** An event the viewer may see, or null. */
  event?: Maybe<Event>;
  /** Events the viewer may see, soonest first. */
  events: EventConnection;
  /** The signed-in viewer's friends whose birthday falls in the `withinDays` days (1–60) starting today (UTC; 1: today only), soonest first. */
  friendsBirthdays: Array<FriendBirthday>;
  /** Events the signed-in viewer hosts or co-hosts, soonest first. */
  myEvents: EventConnection;
  /** Invitations the viewer received, newest first. */
  myInvitations: InvitationConnection;
  /** Events with a venue within `radiusKm` (0.1–500) of `near` that have not ended, nearest first. */
  nearbyEvents: NearbyEventConnection;
  /** For the signed-in viewer: events they have not answered, with a score and the reasons. */
  recommendedEvents: RecommendationConnection;
  /**
   * Events matching every word of `query` (the last word as a prefix; case and accents
   * ignored), the best matches first: a title match above a tag, a tag above the
   * description; at equal relevance upcoming events come before past ones.
   */
  searchEvents: EventConnection;
  /** Active events that have not ended, hottest first: recent answers, shares, views and posts, counting less as they age. */
  trendingEvents: EventConnection;
};


export type QueryEventArgs = {
  id: Scalars['ID']['input'];
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EventFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryFriendsBirthdaysArgs = {
  withinDays?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryMyEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  role?: InputMaybe<MyEventRole>;
};


export type QueryMyInvitationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<InvitationStatus>;
};


export type QueryNearbyEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EventFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  near: GeoPointInput;
  radiusKm?: InputMaybe<Scalars['Float']['input']>;
};


export type QueryRecommendedEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySearchEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SearchFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
};


export type QueryTrendingEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  category?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  near?: InputMaybe<GeoPointInput>;
  radiusKm?: InputMaybe<Scalars['Float']['input']>;
};

/** A reaction to a post; a person has at most one per post. */
export type Reaction =
  | 'HAHA'
  | 'LIKE'
  | 'LOVE'
  | 'SAD'
  | 'WOW';

/** Reactions to a post, by kind; kept on the post, so reading them costs nothing extra. */
export type ReactionCounts = {
  __typename?: 'ReactionCounts';
  haha: Scalars['Int']['output'];
  like: Scalars['Int']['output'];
  love: Scalars['Int']['output'];
  sad: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
  wow: Scalars['Int']['output'];
};

export type RecommendationConnection = {
  __typename?: 'RecommendationConnection';
  edges: Array<RecommendationEdge>;
  pageInfo: PageInfo;
};

export type RecommendationEdge = {
  __typename?: 'RecommendationEdge';
  cursor: Scalars['String']['output'];
  node: Event;
  /** Strongest first. */
  reasons: Array<RecommendationReason>;
  /** Higher is a better match: friends going × 2 + popularity × 0.1, plus interests and closeness. */
  score: Scalars['Float']['output'];
};

export type RecommendationReason = {
  __typename?: 'RecommendationReason';
  /** FRIENDS_GOING: friends going; POPULAR: people going or interested. */
  count?: Maybe<Scalars['Int']['output']>;
  /** NEARBY: kilometres from the viewer's location. */
  distanceKm?: Maybe<Scalars['Float']['output']>;
  /** FRIENDS_GOING: up to three of the friends going. */
  friends: Array<User>;
  /** MATCHES_INTEREST: the interest that matched. */
  interest?: Maybe<Scalars['String']['output']>;
  kind: RecommendationReasonKind;
};

/** Why an event is recommended. */
export type RecommendationReasonKind =
  /** Friends of the viewer are going (`count`, and up to three of them in `friends`). */
  | 'FRIENDS_GOING'
  /** The event's category or a tag matches one of the viewer's interests (`interest`). */
  | 'MATCHES_INTEREST'
  /** The venue is close to the viewer's location (`distanceKm`). */
  | 'NEARBY'
  /** Many people are going or interested (`count`). */
  | 'POPULAR';

/** One person's answer to one event. */
export type Rsvp = {
  __typename?: 'Rsvp';
  /** Check-in state; shown to the user themself, the host and co-hosts. */
  checkIn?: Maybe<CheckInState>;
  checkedInAt?: Maybe<Scalars['DateTime']['output']>;
  /** Null once the event is deleted or no longer visible to the viewer. */
  event?: Maybe<Event>;
  respondedAt: Scalars['DateTime']['output'];
  status: RsvpStatus;
  user: User;
  /** 1-based place in the waitlist; null unless waitlisted. */
  waitlistPosition?: Maybe<Scalars['Int']['output']>;
  /** True while a GOING answer waits for a seat. */
  waitlisted: Scalars['Boolean']['output'];
};

export type RsvpConnection = {
  __typename?: 'RsvpConnection';
  edges: Array<RsvpEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type RsvpCounts = {
  __typename?: 'RsvpCounts';
  going: Scalars['Int']['output'];
  interested: Scalars['Int']['output'];
  maybe: Scalars['Int']['output'];
  notGoing: Scalars['Int']['output'];
  waitlisted: Scalars['Int']['output'];
};

export type RsvpEdge = {
  __typename?: 'RsvpEdge';
  cursor: Scalars['String']['output'];
  node: Rsvp;
};

/** An answer to an event. */
export type RsvpStatus =
  | 'GOING'
  | 'INTERESTED'
  | 'MAYBE'
  | 'NOT_GOING';

/** The filter of `events`, plus an optional circle. */
export type SearchFilter = {
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  hostId?: InputMaybe<Scalars['ID']['input']>;
  /** Only events within `radiusKm` of this point (online-only events have no place and never match). */
  near?: InputMaybe<GeoPointInput>;
  /** 0.1 to 500; default 10 when `near` is given. */
  radiusKm?: InputMaybe<Scalars['Float']['input']>;
  startsAfter?: InputMaybe<Scalars['DateTime']['input']>;
  startsBefore?: InputMaybe<Scalars['DateTime']['input']>;
  /** Default: any status but CANCELLED. */
  status?: InputMaybe<EventStatus>;
  /** Events carrying every one of these tags. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Where an event was shared. */
export type ShareChannel =
  | 'EMAIL'
  | 'LINK'
  | 'MESSAGING'
  | 'OTHER'
  | 'SMS'
  | 'SOCIAL';

export type Subscription = {
  __typename?: 'Subscription';
  /** Answer counts of an event the viewer may see, whenever they change (latest counts win under bursts). */
  eventStatsChanged: EventStatsChange;
};


export type SubscriptionEventStatsChangedArgs = {
  eventId: Scalars['ID']['input'];
};

/** Only the fields given change; pass null to clear an optional field. */
export type UpdateEventInput = {
  capacity?: InputMaybe<Scalars['Int']['input']>;
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  endsAt?: InputMaybe<Scalars['DateTime']['input']>;
  location?: InputMaybe<LocationInput>;
  mediaUrls?: InputMaybe<Array<Scalars['String']['input']>>;
  price?: InputMaybe<MoneyInput>;
  privacy?: InputMaybe<EventPrivacy>;
  startsAt?: InputMaybe<Scalars['DateTime']['input']>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  timeZone?: InputMaybe<Scalars['String']['input']>;
  title?: InputMaybe<Scalars['String']['input']>;
  virtualLink?: InputMaybe<Scalars['String']['input']>;
};

/** A person; owned by the users subgraph, which resolves name and profile. */
export type User = {
  __typename?: 'User';
  /** Events this user co-hosts that the viewer may see. */
  coHostedEvents: EventConnection;
  /** Events this user hosts that the viewer may see. */
  hostedEvents: EventConnection;
  id: Scalars['ID']['output'];
  /** This user's answers, latest first; only the user themself may read them. */
  rsvps: RsvpConnection;
};


/** A person; owned by the users subgraph, which resolves name and profile. */
export type UserCoHostedEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A person; owned by the users subgraph, which resolves name and profile. */
export type UserHostedEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A person; owned by the users subgraph, which resolves name and profile. */
export type UserRsvpsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<RsvpStatus>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Event: Event;
  Post: Post;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Event:
    ( { __typename: 'Event' }
    & GraphQLRecursivePick<FederationTypes['Event'], {"id":true}> );
  Post:
    ( { __typename: 'Post' }
    & GraphQLRecursivePick<FederationTypes['Post'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AttendeeConnection: ResolverTypeWrapper<AttendeePageModel>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AttendeeEdge: ResolverTypeWrapper<AttendeeEdgeModelModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Category: ResolverTypeWrapper<CategoryRecordModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CheckInState: CheckInState;
  Comment: ResolverTypeWrapper<CommentRecordModel>;
  CommentConnection: ResolverTypeWrapper<CommentPageModel>;
  CommentEdge: ResolverTypeWrapper<Omit<CommentEdge, 'node'> & { node: ResolversTypes['Comment'] }>;
  CreateEventInput: CreateEventInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Event: ResolverTypeWrapper<EventRecordModel>;
  EventConnection: ResolverTypeWrapper<EventPageModel>;
  EventEdge: ResolverTypeWrapper<Omit<EventEdge, 'node'> & { node: ResolversTypes['Event'] }>;
  EventFilter: EventFilter;
  EventPrivacy: EventPrivacy;
  EventStats: ResolverTypeWrapper<EventStats>;
  EventStatsChange: ResolverTypeWrapper<EventStatsChangeModel>;
  EventStatus: EventStatus;
  FriendBirthday: ResolverTypeWrapper<FriendBirthdayModelModel>;
  FriendsGoing: ResolverTypeWrapper<FriendsGoingModelModel>;
  GeoPointInput: GeoPointInput;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  Invitation: ResolverTypeWrapper<InvitationRecordModel>;
  InvitationConnection: ResolverTypeWrapper<InvitationPageModel>;
  InvitationEdge: ResolverTypeWrapper<Omit<InvitationEdge, 'node'> & { node: ResolversTypes['Invitation'] }>;
  InvitationSkip: ResolverTypeWrapper<InvitationSkip>;
  InvitationSkipReason: InvitationSkipReason;
  InvitationStatus: InvitationStatus;
  InviteFriendsResult: ResolverTypeWrapper<InviteFriendsResultModel>;
  Location: ResolverTypeWrapper<Location>;
  LocationInput: LocationInput;
  Money: ResolverTypeWrapper<Money>;
  MoneyInput: MoneyInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  MyEventRole: MyEventRole;
  NearbyEventConnection: ResolverTypeWrapper<NearbyPageModel>;
  NearbyEventEdge: ResolverTypeWrapper<NearbyEdgeModelModel>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Post: ResolverTypeWrapper<PostRecordModel>;
  PostConnection: ResolverTypeWrapper<PostPageModel>;
  PostEdge: ResolverTypeWrapper<Omit<PostEdge, 'node'> & { node: ResolversTypes['Post'] }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Reaction: Reaction;
  ReactionCounts: ResolverTypeWrapper<ReactionCountsModel>;
  RecommendationConnection: ResolverTypeWrapper<RecommendationPageModel>;
  RecommendationEdge: ResolverTypeWrapper<RecommendationEdgeModelModel>;
  RecommendationReason: ResolverTypeWrapper<RecommendationReasonModelModel>;
  RecommendationReasonKind: RecommendationReasonKind;
  Rsvp: ResolverTypeWrapper<RsvpRecordModel>;
  RsvpConnection: ResolverTypeWrapper<RsvpPageModel>;
  RsvpCounts: ResolverTypeWrapper<RsvpCounts>;
  RsvpEdge: ResolverTypeWrapper<Omit<RsvpEdge, 'node'> & { node: ResolversTypes['Rsvp'] }>;
  RsvpStatus: RsvpStatus;
  SearchFilter: SearchFilter;
  ShareChannel: ShareChannel;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UpdateEventInput: UpdateEventInput;
  User: ResolverTypeWrapper<UserRefModel>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AttendeeConnection: AttendeePageModel;
  Int: Scalars['Int']['output'];
  AttendeeEdge: AttendeeEdgeModelModel;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
  Category: CategoryRecordModel;
  ID: Scalars['ID']['output'];
  Comment: CommentRecordModel;
  CommentConnection: CommentPageModel;
  CommentEdge: Omit<CommentEdge, 'node'> & { node: ResolversParentTypes['Comment'] };
  CreateEventInput: CreateEventInput;
  DateTime: Scalars['DateTime']['output'];
  Event: EventRecordModel;
  EventConnection: EventPageModel;
  EventEdge: Omit<EventEdge, 'node'> & { node: ResolversParentTypes['Event'] };
  EventFilter: EventFilter;
  EventStats: EventStats;
  EventStatsChange: EventStatsChangeModel;
  FriendBirthday: FriendBirthdayModelModel;
  FriendsGoing: FriendsGoingModelModel;
  GeoPointInput: GeoPointInput;
  Float: Scalars['Float']['output'];
  Invitation: InvitationRecordModel;
  InvitationConnection: InvitationPageModel;
  InvitationEdge: Omit<InvitationEdge, 'node'> & { node: ResolversParentTypes['Invitation'] };
  InvitationSkip: InvitationSkip;
  InviteFriendsResult: InviteFriendsResultModel;
  Location: Location;
  LocationInput: LocationInput;
  Money: Money;
  MoneyInput: MoneyInput;
  Mutation: Record<PropertyKey, never>;
  NearbyEventConnection: NearbyPageModel;
  NearbyEventEdge: NearbyEdgeModelModel;
  PageInfo: PageInfo;
  Post: PostRecordModel;
  PostConnection: PostPageModel;
  PostEdge: Omit<PostEdge, 'node'> & { node: ResolversParentTypes['Post'] };
  Query: Record<PropertyKey, never>;
  ReactionCounts: ReactionCountsModel;
  RecommendationConnection: RecommendationPageModel;
  RecommendationEdge: RecommendationEdgeModelModel;
  RecommendationReason: RecommendationReasonModelModel;
  Rsvp: RsvpRecordModel;
  RsvpConnection: RsvpPageModel;
  RsvpCounts: RsvpCounts;
  RsvpEdge: Omit<RsvpEdge, 'node'> & { node: ResolversParentTypes['Rsvp'] };
  SearchFilter: SearchFilter;
  Subscription: Record<PropertyKey, never>;
  UpdateEventInput: UpdateEventInput;
  User: UserRefModel;
}>;

export type AttendeeConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AttendeeConnection'] = ResolversParentTypes['AttendeeConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AttendeeEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type AttendeeEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AttendeeEdge'] = ResolversParentTypes['AttendeeEdge']> = ResolversObject<{
  checkIn?: Resolver<Maybe<ResolversTypes['CheckInState']>, ParentType, ContextType>;
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  respondedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RsvpStatus'], ParentType, ContextType>;
  waitlisted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type CategoryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Category'] = ResolversParentTypes['Category']> = ResolversObject<{
  color?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  icon?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  upcomingEventCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CommentResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Comment'] = ResolversParentTypes['Comment']> = ResolversObject<{
  author?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  post?: Resolver<ResolversTypes['Post'], ParentType, ContextType>;
}>;

export type CommentConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CommentConnection'] = ResolversParentTypes['CommentConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['CommentEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CommentEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CommentEdge'] = ResolversParentTypes['CommentEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Comment'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type EventResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Event'] = ResolversParentTypes['Event'], FederationReferenceType extends FederationReferenceTypes['Event'] = FederationReferenceTypes['Event']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Event']> | FederationReferenceType, FederationReferenceType, ContextType>;
  attendees?: Resolver<ResolversTypes['AttendeeConnection'], ParentType, ContextType, RequireFields<EventAttendeesArgs, 'first'>>;
  cancellationReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  capacity?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  category?: Resolver<Maybe<ResolversTypes['Category']>, ParentType, ContextType>;
  coHosts?: Resolver<Array<ResolversTypes['User']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  endsAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  friendsGoing?: Resolver<ResolversTypes['FriendsGoing'], ParentType, ContextType, RequireFields<EventFriendsGoingArgs, 'first'>>;
  host?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  invitations?: Resolver<ResolversTypes['InvitationConnection'], ParentType, ContextType, RequireFields<EventInvitationsArgs, 'first'>>;
  isVirtual?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  location?: Resolver<Maybe<ResolversTypes['Location']>, ParentType, ContextType>;
  mediaUrls?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  posts?: Resolver<ResolversTypes['PostConnection'], ParentType, ContextType, RequireFields<EventPostsArgs, 'first'>>;
  price?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  privacy?: Resolver<ResolversTypes['EventPrivacy'], ParentType, ContextType>;
  startsAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  stats?: Resolver<ResolversTypes['EventStats'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['EventStatus'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  timeZone?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  viewerRsvp?: Resolver<Maybe<ResolversTypes['Rsvp']>, ParentType, ContextType>;
  virtualLink?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type EventConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['EventConnection'] = ResolversParentTypes['EventConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['EventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type EventEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['EventEdge'] = ResolversParentTypes['EventEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
}>;

export type EventStatsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['EventStats'] = ResolversParentTypes['EventStats']> = ResolversObject<{
  going?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  interested?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maybe?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  notGoing?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  posts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  shares?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  views?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  waitlisted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type EventStatsChangeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['EventStatsChange'] = ResolversParentTypes['EventStatsChange']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  counts?: Resolver<ResolversTypes['RsvpCounts'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type FriendBirthdayResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FriendBirthday'] = ResolversParentTypes['FriendBirthday']> = ResolversObject<{
  day?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  inDays?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  month?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  nextOn?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type FriendsGoingResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FriendsGoing'] = ResolversParentTypes['FriendsGoing']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  friends?: Resolver<Array<ResolversTypes['User']>, ParentType, ContextType>;
}>;

export type InvitationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Invitation'] = ResolversParentTypes['Invitation']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  event?: Resolver<Maybe<ResolversTypes['Event']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  invitee?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  inviter?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  respondedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['InvitationStatus'], ParentType, ContextType>;
}>;

export type InvitationConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InvitationConnection'] = ResolversParentTypes['InvitationConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['InvitationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type InvitationEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InvitationEdge'] = ResolversParentTypes['InvitationEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Invitation'], ParentType, ContextType>;
}>;

export type InvitationSkipResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InvitationSkip'] = ResolversParentTypes['InvitationSkip']> = ResolversObject<{
  reason?: Resolver<ResolversTypes['InvitationSkipReason'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type InviteFriendsResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InviteFriendsResult'] = ResolversParentTypes['InviteFriendsResult']> = ResolversObject<{
  invited?: Resolver<Array<ResolversTypes['Invitation']>, ParentType, ContextType>;
  skipped?: Resolver<Array<ResolversTypes['InvitationSkip']>, ParentType, ContextType>;
}>;

export type LocationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Location'] = ResolversParentTypes['Location']> = ResolversObject<{
  address?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  latitude?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  longitude?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MoneyResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = ResolversObject<{
  amountMinor?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  addCoHost?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationAddCoHostArgs, 'eventId' | 'userId'>>;
  addComment?: Resolver<ResolversTypes['Comment'], ParentType, ContextType, RequireFields<MutationAddCommentArgs, 'body' | 'postId'>>;
  cancelEvent?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationCancelEventArgs, 'id'>>;
  checkIn?: Resolver<ResolversTypes['Rsvp'], ParentType, ContextType, RequireFields<MutationCheckInArgs, 'eventId' | 'state' | 'userId'>>;
  createEvent?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationCreateEventArgs, 'input'>>;
  createPost?: Resolver<ResolversTypes['Post'], ParentType, ContextType, RequireFields<MutationCreatePostArgs, 'body' | 'eventId'>>;
  deleteComment?: Resolver<ResolversTypes['ID'], ParentType, ContextType, RequireFields<MutationDeleteCommentArgs, 'id'>>;
  deleteEvent?: Resolver<ResolversTypes['ID'], ParentType, ContextType, RequireFields<MutationDeleteEventArgs, 'id'>>;
  deletePost?: Resolver<ResolversTypes['ID'], ParentType, ContextType, RequireFields<MutationDeletePostArgs, 'id'>>;
  inviteFriends?: Resolver<ResolversTypes['InviteFriendsResult'], ParentType, ContextType, RequireFields<MutationInviteFriendsArgs, 'eventId' | 'userIds'>>;
  reactToPost?: Resolver<ResolversTypes['Post'], ParentType, ContextType, RequireFields<MutationReactToPostArgs, 'postId'>>;
  removeCoHost?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationRemoveCoHostArgs, 'eventId' | 'userId'>>;
  removeRsvp?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationRemoveRsvpArgs, 'eventId'>>;
  respondToInvitation?: Resolver<ResolversTypes['Invitation'], ParentType, ContextType, RequireFields<MutationRespondToInvitationArgs, 'accept' | 'id'>>;
  rsvp?: Resolver<ResolversTypes['Rsvp'], ParentType, ContextType, RequireFields<MutationRsvpArgs, 'eventId' | 'status'>>;
  shareEvent?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationShareEventArgs, 'channel' | 'eventId'>>;
  updateEvent?: Resolver<ResolversTypes['Event'], ParentType, ContextType, RequireFields<MutationUpdateEventArgs, 'id' | 'input'>>;
}>;

export type NearbyEventConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['NearbyEventConnection'] = ResolversParentTypes['NearbyEventConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['NearbyEventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type NearbyEventEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['NearbyEventEdge'] = ResolversParentTypes['NearbyEventEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  distanceKm?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PostResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Post'] = ResolversParentTypes['Post'], FederationReferenceType extends FederationReferenceTypes['Post'] = FederationReferenceTypes['Post']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Post']> | FederationReferenceType, FederationReferenceType, ContextType>;
  author?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  commentCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  comments?: Resolver<ResolversTypes['CommentConnection'], ParentType, ContextType, RequireFields<PostCommentsArgs, 'first'>>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  event?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  mediaUrls?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  reactionCounts?: Resolver<ResolversTypes['ReactionCounts'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  viewerReaction?: Resolver<Maybe<ResolversTypes['Reaction']>, ParentType, ContextType>;
}>;

export type PostConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PostConnection'] = ResolversParentTypes['PostConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['PostEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type PostEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PostEdge'] = ResolversParentTypes['PostEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Post'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  categories?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  event?: Resolver<Maybe<ResolversTypes['Event']>, ParentType, ContextType, RequireFields<QueryEventArgs, 'id'>>;
  events?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<QueryEventsArgs, 'first'>>;
  friendsBirthdays?: Resolver<Array<ResolversTypes['FriendBirthday']>, ParentType, ContextType, RequireFields<QueryFriendsBirthdaysArgs, 'withinDays'>>;
  myEvents?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<QueryMyEventsArgs, 'first' | 'role'>>;
  myInvitations?: Resolver<ResolversTypes['InvitationConnection'], ParentType, ContextType, RequireFields<QueryMyInvitationsArgs, 'first'>>;
  nearbyEvents?: Resolver<ResolversTypes['NearbyEventConnection'], ParentType, ContextType, RequireFields<QueryNearbyEventsArgs, 'first' | 'near' | 'radiusKm'>>;
  recommendedEvents?: Resolver<ResolversTypes['RecommendationConnection'], ParentType, ContextType, RequireFields<QueryRecommendedEventsArgs, 'first'>>;
  searchEvents?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<QuerySearchEventsArgs, 'first' | 'query'>>;
  trendingEvents?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<QueryTrendingEventsArgs, 'first' | 'radiusKm'>>;
}>;

export type ReactionCountsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ReactionCounts'] = ResolversParentTypes['ReactionCounts']> = ResolversObject<{
  haha?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  like?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  love?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sad?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  wow?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type RecommendationConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RecommendationConnection'] = ResolversParentTypes['RecommendationConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['RecommendationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type RecommendationEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RecommendationEdge'] = ResolversParentTypes['RecommendationEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Event'], ParentType, ContextType>;
  reasons?: Resolver<Array<ResolversTypes['RecommendationReason']>, ParentType, ContextType>;
  score?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type RecommendationReasonResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RecommendationReason'] = ResolversParentTypes['RecommendationReason']> = ResolversObject<{
  count?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  distanceKm?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  friends?: Resolver<Array<ResolversTypes['User']>, ParentType, ContextType>;
  interest?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['RecommendationReasonKind'], ParentType, ContextType>;
}>;

export type RsvpResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Rsvp'] = ResolversParentTypes['Rsvp']> = ResolversObject<{
  checkIn?: Resolver<Maybe<ResolversTypes['CheckInState']>, ParentType, ContextType>;
  checkedInAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  event?: Resolver<Maybe<ResolversTypes['Event']>, ParentType, ContextType>;
  respondedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RsvpStatus'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  waitlistPosition?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  waitlisted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type RsvpConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RsvpConnection'] = ResolversParentTypes['RsvpConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['RsvpEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type RsvpCountsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RsvpCounts'] = ResolversParentTypes['RsvpCounts']> = ResolversObject<{
  going?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  interested?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maybe?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  notGoing?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  waitlisted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type RsvpEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RsvpEdge'] = ResolversParentTypes['RsvpEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Rsvp'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  eventStatsChanged?: SubscriptionResolver<ResolversTypes['EventStatsChange'], "eventStatsChanged", ParentType, ContextType, RequireFields<SubscriptionEventStatsChangedArgs, 'eventId'>>;
}>;

export type UserResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  coHostedEvents?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<UserCoHostedEventsArgs, 'first'>>;
  hostedEvents?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<UserHostedEventsArgs, 'first'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  rsvps?: Resolver<ResolversTypes['RsvpConnection'], ParentType, ContextType, RequireFields<UserRsvpsArgs, 'first'>>;
}>;

export type Resolvers<ContextType = RequestContext> = ResolversObject<{
  AttendeeConnection?: AttendeeConnectionResolvers<ContextType>;
  AttendeeEdge?: AttendeeEdgeResolvers<ContextType>;
  Category?: CategoryResolvers<ContextType>;
  Comment?: CommentResolvers<ContextType>;
  CommentConnection?: CommentConnectionResolvers<ContextType>;
  CommentEdge?: CommentEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Event?: EventResolvers<ContextType>;
  EventConnection?: EventConnectionResolvers<ContextType>;
  EventEdge?: EventEdgeResolvers<ContextType>;
  EventStats?: EventStatsResolvers<ContextType>;
  EventStatsChange?: EventStatsChangeResolvers<ContextType>;
  FriendBirthday?: FriendBirthdayResolvers<ContextType>;
  FriendsGoing?: FriendsGoingResolvers<ContextType>;
  Invitation?: InvitationResolvers<ContextType>;
  InvitationConnection?: InvitationConnectionResolvers<ContextType>;
  InvitationEdge?: InvitationEdgeResolvers<ContextType>;
  InvitationSkip?: InvitationSkipResolvers<ContextType>;
  InviteFriendsResult?: InviteFriendsResultResolvers<ContextType>;
  Location?: LocationResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  NearbyEventConnection?: NearbyEventConnectionResolvers<ContextType>;
  NearbyEventEdge?: NearbyEventEdgeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Post?: PostResolvers<ContextType>;
  PostConnection?: PostConnectionResolvers<ContextType>;
  PostEdge?: PostEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReactionCounts?: ReactionCountsResolvers<ContextType>;
  RecommendationConnection?: RecommendationConnectionResolvers<ContextType>;
  RecommendationEdge?: RecommendationEdgeResolvers<ContextType>;
  RecommendationReason?: RecommendationReasonResolvers<ContextType>;
  Rsvp?: RsvpResolvers<ContextType>;
  RsvpConnection?: RsvpConnectionResolvers<ContextType>;
  RsvpCounts?: RsvpCountsResolvers<ContextType>;
  RsvpEdge?: RsvpEdgeResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

