import type { AnswerScope, FriendsAnswers, FriendshipChange, GraphAnswer, GraphRsvpStatus, SocialGraph } from '../social-graph.js';

/** The message time that decided a pair; null after a direct write. */
interface PairDecision {
  friends: boolean;
  at: number | null;
}

/**
 * The social graph in process memory, with the Neo4j adapter's semantics: friendships are
 * undirected and stored once per pair, every write is idempotent, unknown users simply
 * have no relations. `since` is not kept: nothing in the port reads it back; the time
 * that decided each pair is, as the Neo4j adapter keeps it, and so is each answer's time.
 */
export class EmbeddedSocialGraph implements SocialGraph {
  readonly kind = 'embedded' as const;
  private readonly friends = new Map<string, Set<string>>();
  /** user → other user → decision, stored both ways round. */
  private readonly decisions = new Map<string, Map<string, PairDecision>>();
  /** userId → eventIds they answered, so `removeUser` finds their RSVPs. */
  private readonly rsvpsByUser = new Map<string, Set<string>>();
  /** eventId → userId → answer: the reverse index `friendsWithRsvp` reads. */
  private readonly rsvpsByEvent = new Map<string, Map<string, { status: GraphRsvpStatus; at: number }>>();
  private closed = false;

  async friendIdsOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    this.assertOpen();
    return new Map(userIds.map((id) => [id, [...(this.friends.get(id) ?? [])]]));
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    this.assertOpen();
    return this.friends.get(a)?.has(b) ?? false;
  }

  async setFriendship(a: string, b: string, { friends, at }: FriendshipChange): Promise<boolean> {
    this.assertOpen();
    assertDistinct(a, b);
    const latest = this.decisions.get(a)?.get(b)?.at ?? null;
    const time = at.getTime();
    if (latest !== null && (time < latest || (time === latest && friends))) return false;
    this.decide(a, b, { friends, at: time });
    return true;
  }

  async addFriendship(a: string, b: string, _since: Date): Promise<void> {
    this.assertOpen();
    assertDistinct(a, b);
    this.decide(a, b, { friends: true, at: null });
  }

  async addFriendships(pairs: readonly (readonly [string, string])[], since: Date): Promise<void> {
    for (const [a, b] of pairs) assertDistinct(a, b);
    for (const [a, b] of pairs) await this.addFriendship(a, b, since);
  }

  async removeFriendship(a: string, b: string): Promise<void> {
    this.assertOpen();
    unlink(this.friends, a, b);
    unlink(this.friends, b, a);
    this.forgetDecision(a, b);
  }

  async pruneEndedFriendships(before: Date): Promise<number> {
    this.assertOpen();
    let removed = 0;
    for (const [user, others] of this.decisions) {
      for (const [other, decision] of others) {
        if (user < other && !decision.friends && decision.at !== null && decision.at < before.getTime()) {
          this.forgetDecision(user, other);
          removed += 1;
        }
      }
    }
    return removed;
  }

  async setRsvp(userId: string, eventId: string, status: GraphRsvpStatus | null, at: Date): Promise<void> {
    this.assertOpen();
    if (status === null) {
      unlink(this.rsvpsByUser, userId, eventId);
      this.forgetAnswer(eventId, userId);
      return;
    }
    link(this.rsvpsByUser, userId, eventId);
    let answers = this.rsvpsByEvent.get(eventId);
    if (!answers) {
      answers = new Map();
      this.rsvpsByEvent.set(eventId, answers);
    }
    answers.set(userId, { status, at: at.getTime() });
  }

  async setRsvps(answers: readonly GraphAnswer[]): Promise<void> {
    for (const { userId, eventId, status, at } of answers) await this.setRsvp(userId, eventId, status, at);
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
        if (answer.status === status && friends.has(attendee)) matching.push(attendee);
      }
      result.set(eventId, matching);
    }
    return result;
  }

  async friendsAnswers(userId: string, status: GraphRsvpStatus, scope: AnswerScope): Promise<FriendsAnswers> {
    this.assertOpen();
    const friends = this.friends.get(userId) ?? new Set<string>();
    const goersOf = (eventId: string) => {
      const goers: { id: string; at: number }[] = [];
      for (const [attendee, answer] of this.rsvpsByEvent.get(eventId) ?? []) {
        if (answer.status === status && friends.has(attendee)) goers.push({ id: attendee, at: answer.at });
      }
      return goers;
    };
    if ('eventIds' in scope) {
      const byEvent = new Map(scope.eventIds.map((eventId) => [eventId, goersOf(eventId).map((goer) => goer.id)]));
      return { friendIds: [...friends], byEvent };
    }
    const answered = this.rsvpsByUser.get(userId) ?? new Set<string>();
    const eventIds = new Set([...friends].flatMap((friend) => [...(this.rsvpsByUser.get(friend) ?? [])]).filter((eventId) => !answered.has(eventId)));
    const ranked = [...eventIds]
      .map((eventId) => {
        const goers = goersOf(eventId);
        return { eventId, friendIds: goers.map((goer) => goer.id), latest: Math.max(...goers.map((goer) => goer.at)) };
      })
      .filter((event) => event.friendIds.length > 0)
      .sort((a, b) => b.latest - a.latest || (a.eventId < b.eventId ? -1 : 1))
      .slice(0, scope.mostRecent);
    return { friendIds: [...friends], byEvent: new Map(ranked.map((event) => [event.eventId, event.friendIds])) };
  }

  async removeUser(userId: string): Promise<void> {
    this.assertOpen();
    for (const friend of this.friends.get(userId) ?? []) {
      unlink(this.friends, friend, userId);
    }
    this.friends.delete(userId);
    for (const other of [...(this.decisions.get(userId)?.keys() ?? [])]) this.forgetDecision(userId, other);
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

  private decide(a: string, b: string, decision: PairDecision) {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      if (decision.friends) link(this.friends, from, to);
      else unlink(this.friends, from, to);
      let others = this.decisions.get(from);
      if (!others) {
        others = new Map();
        this.decisions.set(from, others);
      }
      others.set(to, decision);
    }
  }

  private forgetDecision(a: string, b: string) {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const others = this.decisions.get(from);
      others?.delete(to);
      if (others?.size === 0) this.decisions.delete(from);
    }
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
