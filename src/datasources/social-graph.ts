/** The social-graph port: friendships and RSVP relations, kept in Neo4j or in-process. */
export type GraphRsvpStatus = 'GOING' | 'INTERESTED' | 'MAYBE' | 'NOT_GOING';

export interface SocialGraph {
  readonly kind: 'neo4j' | 'embedded';
  /** Friends of each given user, in one round trip; users without friends map to []. */
  friendIdsOf(userIds: readonly string[]): Promise<Map<string, string[]>>;
  areFriends(a: string, b: string): Promise<boolean>;
  /** Idempotent: a second call for the same pair changes nothing. */
  addFriendship(a: string, b: string, since: Date): Promise<void>;
  removeFriendship(a: string, b: string): Promise<void>;
  /** Sets `(:User)-[:RSVP {status, at}]->(:Event)`; `null` removes it. Idempotent. */
  setRsvp(userId: string, eventId: string, status: GraphRsvpStatus | null, at: Date): Promise<void>;
  /** Which of the user's friends answered the event with the given status, in one round trip per call. */
  friendsWithRsvp(userId: string, eventIds: readonly string[], status: GraphRsvpStatus): Promise<Map<string, string[]>>;
  /** Removes the user and every relation of theirs. */
  removeUser(userId: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
