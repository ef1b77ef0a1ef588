/** The social-graph port: friendships and RSVP relations, kept in Neo4j or in-process. */
export type GraphRsvpStatus = 'GOING' | 'INTERESTED' | 'MAYBE' | 'NOT_GOING';

export interface FriendshipChange {
  friends: boolean;
  /** The deciding message's time. */
  at: Date;
  /** When the friendship began, if it is new; defaults to `at`. */
  since?: Date;
}

export interface GraphAnswer {
  userId: string;
  eventId: string;
  status: GraphRsvpStatus;
  at: Date;
}

/** Friends of one user and which of them gave one answer, per event. */
export interface FriendsAnswers {
  friendIds: string[];
  /** Event id → the friends who gave the answer. */
  byEvent: Map<string, string[]>;
}

/**
 * Which events `friendsAnswers` looks at: the given ones, or the `mostRecent` events the
 * user has not answered that friends gave the answer to most recently, latest first (a
 * friend's recent answer is the likeliest to be for an event still to come).
 */
export type AnswerScope = { eventIds: readonly string[] } | { mostRecent: number };

export interface SocialGraph {
  readonly kind: 'neo4j' | 'embedded';
  /** Friends of each given user, in one round trip; users without friends map to []. */
  friendIdsOf(userIds: readonly string[]): Promise<Map<string, string[]>>;
  areFriends(a: string, b: string): Promise<boolean>;
  /**
   * Decides the pair (a, b) by message time: friends (`friends: true`, keeping `since` on
   * a new friendship) or not, as of `at`, unless the pair holds a decision newer than
   * `at`; at equal times an ending wins, so the outcome never depends on delivery order.
   * An ended friendship is remembered with its time until `pruneEndedFriendships`.
   * Returns whether the pair changed.
   */
  setFriendship(a: string, b: string, change: FriendshipChange): Promise<boolean>;
  /**
   * Direct writes that ignore and forget the pair's message time (demo data, tests,
   * repairs). Idempotent: a second call for the same pair changes nothing.
   */
  addFriendship(a: string, b: string, since: Date): Promise<void>;
  removeFriendship(a: string, b: string): Promise<void>;
  /** `addFriendship` for many pairs, a few round trips in all (demo data, benchmarks, imports). */
  addFriendships(pairs: readonly (readonly [string, string])[], since: Date): Promise<void>;
  /** Forgets ended friendships decided before `before`; returns how many. */
  pruneEndedFriendships(before: Date): Promise<number>;
  /** Sets `(:User)-[:RSVP {status, at}]->(:Event)`; `null` removes it. Idempotent. */
  setRsvp(userId: string, eventId: string, status: GraphRsvpStatus | null, at: Date): Promise<void>;
  /** `setRsvp` for many answers, a few round trips in all (demo data, benchmarks, imports). */
  setRsvps(answers: readonly GraphAnswer[]): Promise<void>;
  /** Which of the user's friends answered the event with the given status, in one round trip per call. */
  friendsWithRsvp(userId: string, eventIds: readonly string[], status: GraphRsvpStatus): Promise<Map<string, string[]>>;
  /**
   * The user's friends and which of them answered `status`, per event of `scope`, in one
   * round trip: everything a request needs from the graph (privacy by friendship,
   * friends going, recommendations) in a single query.
   */
  friendsAnswers(userId: string, status: GraphRsvpStatus, scope: AnswerScope): Promise<FriendsAnswers>;
  /** Removes the user and every relation of theirs. */
  removeUser(userId: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
