import { randomUUID } from 'node:crypto';
import { KeyedQueue } from '../../concurrency/keyed-queue.js';
import type { CountsGuard, CountsMove, EventRepository } from '../../datasources/event-repository.js';
import type { OutboxMessage } from '../../datasources/outbox.js';
import type { PublishedMessages } from '../../datasources/published-message-repository.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import type { EventRecord } from '../events/model.js';
import { ConflictError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { EventRsvp } from '../messaging/event-messages.js';
import { WaitlistPromotedNotification } from '../messaging/notification-messages.js';
import { withCountsAtPublish } from './counts-at-publish.js';
import { BUCKETS, STAT_OF, rsvpId, type RsvpBucket, type RsvpCounts, type RsvpRecord, type RsvpStatus } from './model.js';

const MAX_ATTEMPTS = 5;
/** Promotions per call; a larger backlog is finished by the next call or the reconciler. */
const MAX_PROMOTIONS = 500;

export interface LedgerDeps {
  events: EventRepository;
  rsvps: RsvpRepository;
  /** Which message ids reached the broker (the reconciler writes the messages of answers that have none). */
  published: Pick<PublishedMessages, 'known'>;
  logger: Logger;
  eventSource: string;
  /**
   * Answers in flight may have written one document but not yet the other; counts are
   * recomputed only once the event's answers have been quiet this long.
   */
  settleMs: number;
  /** Told each recorded answer. */
  onAnswer?: (status: RsvpStatus) => void;
}

/** What one answer's message says. */
interface AnswerChange {
  userId: string | null;
  previousStatus: RsvpStatus | null;
  status: RsvpStatus | null;
  waitlisted?: boolean;
  promoted?: boolean;
  reconciled?: boolean;
  at: Date;
  /** The message id chosen beforehand (it is written into the answer first). */
  id?: string;
}

/** Where a claimed GOING answer was counted. */
interface Place {
  bucket: 'GOING' | 'WAITLISTED';
  waitlistSeq: number | null;
}

export type ReconcileOutcome = 'repaired' | 'consistent' | 'unsettled' | 'missing';

/**
 * Moves answers and the event's counts without multi-document transactions, in as few
 * round trips as the rules allow: the caller's read of the event (its visibility and
 * capacity), then
 * - without a capacity to respect: the answer (written, returning what it replaced), then
 *   the event (counts moved, and the `event.rsvp` message in its outbox): 3 round trips;
 * - GOING on an event with a capacity: a seat (or waitlist place) claimed on the event
 *   first, then the answer, then the event again with the message: 4 round trips.
 *
 * The message is always written after the answer, so an `event.rsvp` leaves only for an
 * answer that was recorded, whenever the process dies. A seat is claimed before the
 * answer says GOING and freed only after it says otherwise, so a crash never seats more
 * people than the capacity. What a crash between two writes leaves — counts that disagree
 * with the answers, an answer whose message was never written — `reconcile` repairs:
 * counts follow the answers, and each answer's message (its id is in the answer) is
 * written if it is neither pending nor published.
 */
export class RsvpLedger {
  private readonly perAnswer = new KeyedQueue();

  constructor(private readonly deps: LedgerDeps) {}

  /**
   * Sets the user's answer; GOING beyond capacity joins the waitlist. `event` is the
   * event as the caller just read it (or its id, to read it here).
   */
  answer(event: EventRecord | string, userId: string, status: RsvpStatus): Promise<RsvpRecord> {
    const eventId = typeof event === 'string' ? event : event._id;
    const id = rsvpId(eventId, userId);
    return this.perAnswer.run(id, async () => {
      const read = typeof event === 'string' ? await this.readEvent(eventId) : event;
      const now = new Date();
      const messageId = randomUUID();
      const record = (place: Place | null): RsvpRecord => ({
        _id: id,
        eventId,
        userId,
        status,
        bucket: place?.bucket ?? (status as RsvpBucket),
        waitlistSeq: place?.waitlistSeq ?? null,
        respondedAt: now,
        updatedAt: now,
        checkIn: null,
        checkedInAt: null,
        checkedInBy: null,
        messageId,
      });
      const claimsSeat = status === 'GOING' && read.capacity !== null;
      // A seat is claimed before the answer says GOING.
      const place = claimsSeat ? await this.claimPlace(read, now) : null;
      let saved = record(place);
      const written = await this.deps.rsvps.saveChanged(saved);
      if (written === 'unchanged') {
        if (place) await this.giveBack(eventId, place, now);
        return (await this.deps.rsvps.findById(id)) ?? saved;
      }
      const { previous } = written;
      const announce = (waitlisted: boolean) =>
        this.rsvpMessage(eventId, { id: messageId, userId, previousStatus: previous?.status ?? null, status, waitlisted, at: now });
      if (place) {
        // The claim counted the new place; what remains is leaving the previous bucket.
        await this.change(eventId, { counts: countsDelta(previous?.bucket ?? null, null), at: now }, null, [announce(place.bucket === 'WAITLISTED')]);
      } else {
        saved = await this.moveAfterAnswer(read, previous, saved, announce, now);
      }
      this.deps.onAnswer?.(status);
      if (previous?.bucket === 'GOING' && read.capacity !== null) await this.promoteWaitlist(eventId);
      return saved;
    });
  }

  /** Removes the user's answer (answer first, then counts); a freed seat goes to the first in the waitlist. */
  withdraw(event: EventRecord | string, userId: string): Promise<boolean> {
    const eventId = typeof event === 'string' ? event : event._id;
    const id = rsvpId(eventId, userId);
    return this.perAnswer.run(id, async () => {
      const previous = await this.deps.rsvps.remove(id);
      if (!previous) return false;
      const now = new Date();
      let current = typeof event === 'string' ? await this.readEvent(eventId) : event;
      const message = this.rsvpMessage(eventId, { userId, previousStatus: previous.status, status: null, at: now });
      for (let attempt = 0; ; attempt++) {
        const freedSeat = previous.bucket === 'GOING' && current.capacity !== null;
        const move: CountsMove = { counts: countsDelta(previous.bucket, null), seatsLeft: freedSeat ? 1 : 0, at: now };
        if (await this.deps.events.moveCounts(eventId, move, { capacity: current.capacity }, [message])) {
          if (freedSeat) await this.promoteWaitlist(eventId);
          return true;
        }
        if (attempt + 1 >= MAX_ATTEMPTS) throw new ConflictError('the event is changing too fast; retry', 'eventId');
        current = await this.readEvent(eventId);
      }
    });
  }

  /**
   * After the answer is written: leave the previous bucket and enter the new one, with the
   * message, in one conditional update. Planned with the capacity the caller read; should
   * a capacity have appeared since, a GOING answer claims a seat or joins the waitlist then.
   */
  private async moveAfterAnswer(
    read: EventRecord,
    previous: RsvpRecord | null,
    saved: RsvpRecord,
    announce: (waitlisted: boolean) => OutboxMessage,
    now: Date,
  ): Promise<RsvpRecord> {
    const from = previous?.bucket ?? null;
    let current = read;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const limited = current.capacity !== null;
      const freedSeat = from === 'GOING' && limited;
      const guard = { capacity: current.capacity };
      if (saved.bucket === 'GOING' && limited && from !== 'GOING') {
        const seated: CountsMove = { counts: countsDelta(from, 'GOING'), seatsLeft: -1, at: now };
        if (await this.deps.events.moveCounts(saved.eventId, seated, { ...guard, requireFreeSeat: true }, [announce(false)])) return saved;
        const queued: CountsMove = { counts: countsDelta(from, 'WAITLISTED'), takeWaitlistNumber: true, at: now };
        const placed = await this.deps.events.moveCounts(saved.eventId, queued, guard, [announce(true)]);
        if (placed) {
          await this.deps.rsvps.moveToWaitlist(saved._id, placed.waitlistSeq);
          return { ...saved, bucket: 'WAITLISTED', waitlistSeq: placed.waitlistSeq };
        }
      } else {
        const move: CountsMove = { counts: countsDelta(from, saved.bucket), seatsLeft: freedSeat ? 1 : 0, at: now };
        if (await this.deps.events.moveCounts(saved.eventId, move, guard, [announce(false)])) return saved;
      }
      current = await this.readEvent(saved.eventId);
    }
    throw new ConflictError('the event is changing too fast; retry', 'eventId');
  }

  /** A seat if one is free, else the next waitlist number: one conditional update when a seat is free. */
  private async claimPlace(read: EventRecord, now: Date): Promise<Place> {
    let event = read;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const guard = { capacity: event.capacity };
      if (event.capacity === null) {
        if (await this.change(event._id, { counts: { going: 1 }, at: now }, guard, [])) return { bucket: 'GOING', waitlistSeq: null };
      } else {
        if ((event.seatsLeft ?? 0) > 0 && (await this.change(event._id, { counts: { going: 1 }, seatsLeft: -1, at: now }, { ...guard, requireFreeSeat: true }, []))) {
          return { bucket: 'GOING', waitlistSeq: null };
        }
        const placed = await this.change(event._id, { counts: { waitlisted: 1 }, takeWaitlistNumber: true, at: now }, guard, []);
        if (placed) return { bucket: 'WAITLISTED', waitlistSeq: placed.waitlistSeq };
      }
      event = await this.readEvent(event._id);
    }
    throw new ConflictError('the event is changing too fast; retry', 'eventId');
  }

  /** Undoes a claim whose answer turned out unchanged, with a message carrying the counts. */
  private async giveBack(eventId: string, place: Place, now: Date) {
    const event = await this.deps.events.findById(eventId);
    const seatsLeft = place.bucket === 'GOING' && event?.capacity !== null ? 1 : 0;
    await this.change(eventId, { counts: countsDelta(place.bucket, null), seatsLeft, at: now }, null, [this.countsMessage(eventId, now)]);
  }

  private change(eventId: string, move: CountsMove, guard: CountsGuard | null, messages: readonly OutboxMessage[]) {
    return this.deps.events.moveCounts(eventId, move, guard, messages);
  }

  private async readEvent(eventId: string): Promise<EventRecord> {
    const event = await this.deps.events.findById(eventId);
    if (!event) throw new ConflictError('the event no longer exists', 'eventId');
    return event;
  }

  /**
   * Seats free and people waiting: promote in waitlist order, each with a notification.
   * Per promotion: the seat claimed, the answer moved, then its messages written.
   */
  async promoteWaitlist(eventId: string): Promise<number> {
    let promoted = 0;
    while (promoted < MAX_PROMOTIONS) {
      const event = await this.deps.events.findById(eventId);
      if (!event || event.stats.waitlisted <= 0) break;
      if (event.capacity !== null && (event.seatsLeft ?? 0) <= 0) break;
      const next = await this.deps.rsvps.firstWaitlisted(eventId);
      if (!next) break;
      const now = new Date();
      const limited = event.capacity !== null;
      const seat: CountsMove = { counts: countsDelta('WAITLISTED', 'GOING'), seatsLeft: limited ? -1 : 0, at: now };
      if (!(await this.change(eventId, seat, { capacity: event.capacity, requireFreeSeat: limited }, []))) continue;
      const messageId = randomUUID();
      if (await this.deps.rsvps.promote(next._id, now, messageId)) {
        const notification = WaitlistPromotedNotification.create(
          this.deps.eventSource,
          eventId,
          { eventId, userId: next.userId, title: event.title, startsAt: event.startsAt.toISOString() },
          now,
        );
        const message = this.rsvpMessage(eventId, { id: messageId, userId: next.userId, previousStatus: 'GOING', status: 'GOING', promoted: true, at: now });
        await this.deps.events.announce(eventId, [message, notification]);
        promoted += 1;
        continue;
      }
      // The answer changed while we claimed its seat; give the seat back.
      await this.change(eventId, { counts: countsDelta('GOING', 'WAITLISTED'), seatsLeft: limited ? 1 : 0, at: now }, null, [this.countsMessage(eventId, now)]);
    }
    return promoted;
  }

  /**
   * Recomputes the counts (and free seats) from the answer records and writes them
   * when they differ, guarded by the counts it read so a concurrent change is not
   * overwritten; writes the message of every answer changed since `since` (all when null)
   * whose message is neither pending nor published. Returns what it did.
   */
  async reconcile(eventId: string, since: Date | null = null): Promise<ReconcileOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [found, byBucket, changed] = await Promise.all([
        this.deps.events.findWithPendingMessages(eventId),
        this.deps.rsvps.countByBucket(eventId),
        this.deps.rsvps.changedSince(eventId, since),
      ]);
      if (!found) return 'missing';
      const { event, pending } = found;
      // A seat claimed or an answer written a moment ago may not have its other half yet;
      // treating it as final would hand a seat to someone else or write a message twice.
      const lastChange = Math.max(event.rsvpChangedAt?.getTime() ?? 0, ...changed.map((rsvp) => rsvp.updatedAt.getTime()));
      if (Date.now() - lastChange < this.deps.settleMs) return 'unsettled';
      const unannounced = await this.unannounced(changed, pending);
      const late = unannounced.map((rsvp) =>
        this.rsvpMessage(eventId, { id: rsvp.messageId!, userId: rsvp.userId, previousStatus: null, status: rsvp.status, waitlisted: rsvp.bucket === 'WAITLISTED', at: rsvp.updatedAt }),
      );
      const counts = Object.fromEntries(BUCKETS.map((bucket) => [STAT_OF[bucket], byBucket.get(bucket) ?? 0])) as unknown as RsvpCounts;
      const seatsLeft = event.capacity === null ? null : event.capacity - counts.going;
      const stored = countsOf(event.stats);
      const drifted = Object.entries(counts).some(([stat, n]) => stored[stat as keyof RsvpCounts] !== n) || seatsLeft !== event.seatsLeft;
      if (!drifted) {
        if (late.length > 0) {
          await this.deps.events.announce(eventId, late);
          this.deps.logger.warn({ eventId, messages: late.length }, 'rsvp: messages of recorded answers written late');
        }
        if ((seatsLeft === null || seatsLeft > 0) && counts.waitlisted > 0) await this.promoteWaitlist(eventId);
        return late.length > 0 ? 'repaired' : 'consistent';
      }
      const message = this.rsvpMessage(eventId, { userId: null, previousStatus: null, status: null, reconciled: true, at: new Date() });
      const repaired = await this.deps.events.setCounts(eventId, counts, seatsLeft, { counts: stored, seatsLeft: event.seatsLeft }, [...late, message]);
      if (!repaired) continue;
      this.deps.logger.warn({ eventId, before: event.stats, after: counts, lateMessages: late.length }, 'rsvp: counts repaired from the records');
      if ((seatsLeft === null || seatsLeft > 0) && counts.waitlisted > 0) await this.promoteWaitlist(eventId);
      return 'repaired';
    }
    return 'unsettled';
  }

  /** Answers whose message id is neither in their event's outbox nor among the published ones. */
  private async unannounced(changed: readonly RsvpRecord[], pending: ReadonlySet<string>): Promise<RsvpRecord[]> {
    const candidates = changed.filter((rsvp) => rsvp.messageId && !pending.has(rsvp.messageId));
    if (candidates.length === 0) return [];
    const published = await this.deps.published.known(candidates.map((rsvp) => rsvp.messageId!));
    return candidates.filter((rsvp) => !published.has(rsvp.messageId!));
  }

  /** `event.rsvp` for a change, published with the event's counts at publish time. */
  private rsvpMessage(eventId: string, change: AnswerChange) {
    const { at, waitlisted = false, id, ...rest } = change;
    return withCountsAtPublish(EventRsvp.create(this.deps.eventSource, eventId, { eventId, ...rest, waitlisted }, at, id));
  }

  /** `event.rsvp` that only carries the counts (no one's answer changed). */
  private countsMessage(eventId: string, at: Date) {
    return this.rsvpMessage(eventId, { userId: null, previousStatus: null, status: null, at });
  }
}

/** Leaving one bucket and entering another, as count deltas. */
function countsDelta(from: RsvpBucket | null, to: RsvpBucket | null): Partial<RsvpCounts> {
  const delta: Partial<RsvpCounts> = {};
  if (from) delta[STAT_OF[from]] = -1;
  if (to) delta[STAT_OF[to]] = (delta[STAT_OF[to]] ?? 0) + 1;
  return delta;
}

function countsOf(stats: RsvpCounts): RsvpCounts {
  return { going: stats.going, interested: stats.interested, maybe: stats.maybe, notGoing: stats.notGoing, waitlisted: stats.waitlisted };
}
