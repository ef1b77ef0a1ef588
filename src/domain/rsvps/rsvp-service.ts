import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { EventRecord } from '../events/model.js';
import { isOrganizer } from '../events/privacy.js';
import { requireId } from '../ids.js';
import { decodeCursor, pageSize, type Page } from '../pagination.js';
import type { RequestScope } from '../request-scope.js';
import { rsvpId, type AttendeePage, type CheckInState, type EventStatsChange, type RsvpRecord, type RsvpStatus } from './model.js';

/** Answer rules for one request: who may answer, see answers and check people in. */
export class RsvpService {
  constructor(private readonly scope: RequestScope) {}

  async answer(eventId: string, status: RsvpStatus): Promise<RsvpRecord> {
    const userId = this.scope.requireUser();
    const event = await this.openEvent(eventId);
    await this.scope.consumeRateLimit('rsvp');
    const record = await this.scope.deps.ledger.answer(event._id, userId, status);
    this.forget(event._id, userId);
    return record;
  }

  async withdraw(eventId: string): Promise<EventRecord> {
    const userId = this.scope.requireUser();
    const event = await this.openEvent(eventId);
    await this.scope.consumeRateLimit('rsvp');
    await this.scope.deps.ledger.withdraw(event._id, userId);
    this.forget(event._id, userId);
    return (await this.scope.deps.events.findById(eventId)) ?? event;
  }

  async checkIn(eventId: string, userId: string, state: CheckInState): Promise<RsvpRecord> {
    const organizer = this.scope.requireUser();
    requireId(userId, 'userId');
    const event = await this.visibleEvent(eventId);
    if (!isOrganizer(event, this.scope.viewer)) throw new ForbiddenError('only the host or a co-host can check people in');
    const updated = await this.scope.deps.rsvps.setCheckIn(rsvpId(eventId, userId), state, organizer, new Date());
    if (!updated) throw new BadUserInputError(`${userId} has no seat at this event`, 'userId');
    this.forget(eventId, userId);
    return updated;
  }

  async viewerRsvp(event: EventRecord): Promise<RsvpRecord | null> {
    const viewerId = this.scope.viewerId;
    if (!viewerId) return null;
    return this.scope.loaders.rsvpById.load(rsvpId(event._id, viewerId));
  }

  /** Answers to an event the viewer can see (the event resolver already checked that). */
  async attendees(event: EventRecord, status: RsvpStatus | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<AttendeePage> {
    const page = await this.scope.deps.rsvps.pageForEvent(event._id, status ?? null, pageSize(first), decodeCursor(after));
    for (const rsvp of page.items) this.scope.loaders.rsvpById.prime(rsvp._id, rsvp);
    return { ...page, showCheckIn: isOrganizer(event, this.scope.viewer) };
  }

  /** A user's own answers; nobody else may list them. */
  async ofUser(userId: string, status: RsvpStatus | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<RsvpRecord>> {
    const viewerId = this.scope.requireUser();
    if (viewerId !== userId) throw new ForbiddenError("only the user themself can list their answers");
    await this.scope.chargeBrowsing();
    return this.scope.deps.rsvps.pageForUser(userId, status ?? null, pageSize(first), decodeCursor(after));
  }

  /**
   * Live counts of an event the viewer may see; NOT_FOUND otherwise (no existence leak).
   * The stream ends with NOT_FOUND once they may no longer see it (each change that could
   * take it away is checked again with fresh reads), and with the connection's reason
   * once their authority ends.
   */
  async liveStats(eventId: string): Promise<AsyncIterableIterator<EventStatsChange>> {
    const scope = this.scope;
    const stream = scope.deps.live.subscribe(eventId, {
      viewerId: scope.viewerId,
      mayView: async (event) => event !== null && (await scope.fresh().canView(event)),
      authority: scope.authority,
    });
    // Watched before the first check, so a change landing meanwhile is not missed.
    try {
      await this.visibleEvent(eventId);
    } catch (error) {
      await stream.return?.();
      throw error;
    }
    return stream;
  }

  waitlistPosition(rsvp: RsvpRecord): Promise<number | null> {
    if (rsvp.bucket !== 'WAITLISTED') return Promise.resolve(null);
    return this.scope.loaders.waitlistPosition.load(rsvp._id);
  }

  /** The answerer, the host and co-hosts see check-in state. */
  async checkInVisible(rsvp: RsvpRecord): Promise<boolean> {
    if (rsvp.userId === this.scope.viewerId) return true;
    const event = await this.scope.loaders.eventById.load(rsvp.eventId);
    return event !== null && isOrganizer(event, this.scope.viewer);
  }

  private async visibleEvent(eventId: string): Promise<EventRecord> {
    const event = await this.scope.deps.events.findById(eventId);
    if (!event || !(await this.scope.canView(event))) throw new NotFoundError('Event', eventId, 'eventId');
    return event;
  }

  /** An event the viewer can see and that still takes answers. */
  private async openEvent(eventId: string): Promise<EventRecord> {
    const event = await this.visibleEvent(eventId);
    if (event.status !== 'ACTIVE') throw new ConflictError(`the event is ${event.status.toLowerCase()}`, 'eventId');
    if (event.endsAt.getTime() <= Date.now()) throw new ConflictError('the event has ended', 'eventId');
    return event;
  }

  private forget(eventId: string, userId: string) {
    this.scope.loaders.rsvpById.clear(rsvpId(eventId, userId));
    this.scope.loaders.eventById.clear(eventId);
  }
}
