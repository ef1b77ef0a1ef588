import { KeyedQueue } from '../../concurrency/keyed-queue.js';
import type { CountsMove, EventRepository } from '../../datasources/event-repository.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
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
  logger: Logger;
  eventSource: string;
  /** Called after each committed change so its domain events leave at once. */
  committed: () => void;
  /**
   * Answers in flight have written the event but maybe not yet their record; counts
   * are recomputed only once the event's answers have been quiet this long.
   */
  settleMs: number;
  /** Told each recorded answer. */
  onAnswer?: (status: RsvpStatus) => void;
}

/** What one answer changes on its event. */
interface AnswerChange {
  userId: string | null;
  previousStatus: RsvpStatus | null;
  status: RsvpStatus | null;
  waitlisted?: boolean;
  promoted?: boolean;
  reconciled?: boolean;
  at: Date;
}

export type ReconcileOutcome = 'repaired' | 'consistent' | 'unsettled' | 'missing';

/**
 * Moves answers and the event's counts without multi-document transactions.
 *
 * The event document is changed first, in one update that moves the counts, claims or
 * frees a seat and records the `event.rsvp` event in its outbox; the answer record is
 * written next. A crash between the two leaves counts that disagree with the records,
 * which `reconcile` repairs (counts always follow the records).
 */
export class RsvpLedger {
  private readonly perAnswer = new KeyedQueue();

  constructor(private readonly deps: LedgerDeps) {}

  /**
   * Sets the user's answer; GOING beyond capacity joins the waitlist.
   *
   * A seat is claimed on the event before the record says GOING, and released only
   * after the record says otherwise, so a crash between the two writes can leave a
   * seat unused until reconciliation but never seat more people than the capacity.
   */
  answer(eventId: string, userId: string, status: RsvpStatus): Promise<RsvpRecord> {
    const id = rsvpId(eventId, userId);
    return this.perAnswer.run(id, async () => {
      const previous = await this.deps.rsvps.findById(id);
      if (previous?.status === status) return previous;
      const now = new Date();
      const record = (bucket: RsvpBucket, waitlistSeq: number | null): RsvpRecord => ({
        _id: id,
        eventId,
        userId,
        status,
        bucket,
        waitlistSeq,
        respondedAt: now,
        updatedAt: now,
        checkIn: null,
        checkedInAt: null,
        checkedInBy: null,
      });
      let saved: RsvpRecord;
      let freedSeat = false;
      if (previous?.bucket === 'GOING') {
        saved = record(status as RsvpBucket, null);
        await this.deps.rsvps.save(saved);
        ({ freedSeat } = await this.moveCounts(eventId, userId, previous, status, now));
      } else {
        const moved = await this.moveCounts(eventId, userId, previous, status, now);
        saved = record(moved.bucket, moved.waitlistSeq);
        await this.deps.rsvps.save(saved);
      }
      this.deps.onAnswer?.(status);
      if (freedSeat) await this.promoteWaitlist(eventId);
      return saved;
    });
  }

  /** Removes the user's answer (record first, then counts); a freed seat goes to the first in the waitlist. */
  withdraw(eventId: string, userId: string): Promise<boolean> {
    const id = rsvpId(eventId, userId);
    return this.perAnswer.run(id, async () => {
      const previous = await this.deps.rsvps.findById(id);
      if (!previous) return false;
      await this.deps.rsvps.delete(id);
      const { freedSeat } = await this.moveCounts(eventId, userId, previous, null, new Date());
      if (freedSeat) await this.promoteWaitlist(eventId);
      return true;
    });
  }

  /**
   * One conditional update of the event: leave the previous bucket, enter the next
   * (claiming a seat when GOING and one is free, else taking a waitlist number).
   * The capacity read is part of the condition, so a concurrent capacity change
   * makes the update miss and the plan is made again from a fresh read.
   */
  private async moveCounts(eventId: string, userId: string, previous: RsvpRecord | null, status: RsvpStatus | null, now: Date) {
    const from = previous?.bucket ?? null;
    const change = (waitlisted: boolean) =>
      this.rsvpMessage(eventId, { userId, previousStatus: previous?.status ?? null, status, waitlisted, at: now });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const event = await this.deps.events.findById(eventId);
      if (!event) throw new ConflictError('the event no longer exists', 'eventId');
      const limited = event.capacity !== null;
      const freedSeat = from === 'GOING' && limited;
      const guard = { capacity: event.capacity };
      const move = (to: RsvpBucket | null, extra: Partial<CountsMove> = {}): CountsMove => ({
        counts: countsDelta(from, to),
        seatsLeft: (freedSeat ? 1 : 0) + (extra.seatsLeft ?? 0),
        ...(extra.takeWaitlistNumber ? { takeWaitlistNumber: true } : {}),
        at: now,
      });

      if (status !== 'GOING') {
        const to = status as Exclude<RsvpBucket, 'GOING' | 'WAITLISTED'> | null;
        if (await this.deps.events.moveCounts(eventId, move(to), guard, [change(false)])) {
          return this.finish({ bucket: to ?? 'NOT_GOING', waitlistSeq: null, freedSeat });
        }
        continue;
      }

      const seated = move('GOING', { seatsLeft: limited ? -1 : 0 });
      if (await this.deps.events.moveCounts(eventId, seated, { ...guard, requireFreeSeat: limited }, [change(false)])) {
        return this.finish({ bucket: 'GOING' as const, waitlistSeq: null, freedSeat: false });
      }
      if (!limited) continue;

      const queued = await this.deps.events.moveCounts(eventId, move('WAITLISTED', { takeWaitlistNumber: true }), guard, [change(true)]);
      if (queued) return this.finish({ bucket: 'WAITLISTED' as const, waitlistSeq: queued.waitlistSeq, freedSeat: false });
    }
    throw new ConflictError('the event is changing too fast; retry', 'eventId');
  }

  private finish<T>(result: T): T {
    this.deps.committed();
    return result;
  }

  /** Seats free and people waiting: promote in waitlist order, each with a notification. */
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
      const notification = WaitlistPromotedNotification.create(
        this.deps.eventSource,
        eventId,
        { eventId, userId: next.userId, title: event.title, startsAt: event.startsAt.toISOString() },
        now,
      );
      const messages = [this.rsvpMessage(eventId, { userId: next.userId, previousStatus: 'GOING', status: 'GOING', promoted: true, at: now }), notification];
      const claimed = await this.deps.events.moveCounts(eventId, seat, { capacity: event.capacity, requireFreeSeat: limited }, messages);
      if (!claimed) continue;
      this.deps.committed();
      if (await this.deps.rsvps.promote(next._id, now)) {
        promoted += 1;
        continue;
      }
      // The answer changed while we claimed its seat; give the seat back.
      await this.deps.events.moveCounts(eventId, { counts: countsDelta('GOING', 'WAITLISTED'), seatsLeft: limited ? 1 : 0, at: now }, null, []);
    }
    return promoted;
  }

  /**
   * Recomputes the counts (and free seats) from the answer records and writes them
   * when they differ, guarded by the counts it read so a concurrent change is not
   * overwritten. Returns whether anything was repaired.
   */
  async reconcile(eventId: string): Promise<ReconcileOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [event, byBucket] = await Promise.all([this.deps.events.findById(eventId), this.deps.rsvps.countByBucket(eventId)]);
      if (!event) return 'missing';
      // A seat claimed a moment ago may not have its record yet; treating it as free
      // would hand it to someone else.
      if (event.rsvpChangedAt && Date.now() - event.rsvpChangedAt.getTime() < this.deps.settleMs) return 'unsettled';
      const counts = Object.fromEntries(BUCKETS.map((bucket) => [STAT_OF[bucket], byBucket.get(bucket) ?? 0])) as unknown as RsvpCounts;
      const seatsLeft = event.capacity === null ? null : event.capacity - counts.going;
      const stored = countsOf(event.stats);
      const drifted = Object.entries(counts).some(([stat, n]) => stored[stat as keyof RsvpCounts] !== n) || seatsLeft !== event.seatsLeft;
      if (!drifted) {
        if ((seatsLeft === null || seatsLeft > 0) && counts.waitlisted > 0) await this.promoteWaitlist(eventId);
        return 'consistent';
      }
      const message = this.rsvpMessage(eventId, { userId: null, previousStatus: null, status: null, reconciled: true, at: new Date() });
      const repaired = await this.deps.events.setCounts(eventId, counts, seatsLeft, { counts: stored, seatsLeft: event.seatsLeft }, [message]);
      if (!repaired) continue;
      this.deps.committed();
      this.deps.logger.warn({ eventId, before: event.stats, after: counts }, 'rsvp: counts repaired from the records');
      if ((seatsLeft === null || seatsLeft > 0) && counts.waitlisted > 0) await this.promoteWaitlist(eventId);
      return 'repaired';
    }
    return 'unsettled';
  }

  /** `event.rsvp` for a change, published with the event's counts at publish time. */
  private rsvpMessage(eventId: string, change: AnswerChange) {
    const { at, waitlisted = false, ...rest } = change;
    return withCountsAtPublish(EventRsvp.create(this.deps.eventSource, eventId, { eventId, ...rest, waitlisted }, at));
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
