import type { GraphRsvpStatus, SocialGraph } from '../social-graph.js';

/**
 * The social graph in process memory, with the Neo4j adapter's semantics: friendships are
 * undirected and stored once per pair, every write is idempotent, unknown users simply
 * have no relations. `since` and `at` are not kept: nothing in the port reads them back.
 */
export class EmbeddedSocialGraph implements SocialGraph {
  readonly kind = 'embedded' as const;
  private readonly friends = new Map<string, Set<string>>();
  /** userId → eventIds they answered, so `removeUser` finds their RSVPs. */
  private readonly rsvpsByUser = new Map<string, Set<string>>();
  /** eventId → userId → status: the reverse index `friendsWithRsvp` reads. */
  private readonly rsvpsByEvent = new Map<string, Map<string, GraphRsvpStatus>>();
  private closed = false;

  async friendIdsOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    this.assertOpen();
    return new Map(userIds.map((id) => [id, [...(this.friends.get(id) ?? [])]]));
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    this.assertOpen();
    return this.friends.get(a)?.has(b) ?? false;
  }

  async addFriendship(a: string, b: string, _since: Date): Promise<void> {
    this.assertOpen();
    assertDistinct(a, b);
    link(this.friends, a, b);
    link(this.friends, b, a);
  }

  async removeFriendship(a: string, b: string): Promise<void> {
    this.assertOpen();
    unlink(this.friends, a, b);
    unlink(this.friends, b, a);
  }

  async setRsvp(userId: string, eventId: string, status: GraphRsvpStatus | null, _at: Date): Promise<void> {
    this.assertOpen();
    if (status === null) {
      unlink(this.rsvpsByUser, userId, eventId);
      this.forgetAnswer(eventId, userId);
      return;
    }
    link(this.rsvpsByUser, userId, eventId);
    let answers = this.rsvpsByEvent.get(eventId);
    if (!answers) {
      answers = new Map<string, GraphRsvpStatus>();
      this.rsvpsByEvent.set(eventId, answers);
    }
    answers.set(userId, status);
  }

  async friendsWithRsvp(
    userId: string,
    eventIds: readonly string[],
    status: GraphRsvpStatus,
  ): Promise<Map<string, string[]>> {
    this.assertOpen();
    const friends = this.friends.get(userId) ?? new Set<string>();
    const result = new Map<string, string[]>();
    for (const eventId of eventIds) {
      const answers = this.rsvpsByEvent.get(eventId);
      const matching: string[] = [];
      for (const [attendee, answer] of answers ?? []) {
        if (answer === status && friends.has(attendee)) matching.push(attendee);
      }
      result.set(eventId, matching);
    }
    return result;
  }

  async removeUser(userId: string): Promise<void> {
    this.assertOpen();
    for (const friend of this.friends.get(userId) ?? []) {
      unlink(this.friends, friend, userId);
    }
    this.friends.delete(userId);
    for (const eventId of this.rsvpsByUser.get(userId) ?? []) {
      this.forgetAnswer(eventId, userId);
    }
    this.rsvpsByUser.delete(userId);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private forgetAnswer(eventId: string, userId: string) {
    const answers = this.rsvpsByEvent.get(eventId);
    answers?.delete(userId);
    if (answers?.size === 0) this.rsvpsByEvent.delete(eventId);
  }

  private assertOpen() {
    if (this.closed) throw new Error('embedded social graph is closed');
  }
}

function assertDistinct(a: string, b: string) {
  if (a === b) throw new Error(`a user cannot be their own friend (${a})`);
}

function link(index: Map<string, Set<string>>, from: string, to: string) {
  let set = index.get(from);
  if (!set) {
    set = new Set<string>();
    index.set(from, set);
  }
  set.add(to);
}

function unlink(index: Map<string, Set<string>>, from: string, to: string) {
  const set = index.get(from);
  if (!set) return;
  set.delete(to);
  // Drop empty sets so departed users do not leak memory in a long-running demo.
  if (set.size === 0) index.delete(from);
}
