import type { EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import { timeCursor, type Page } from '../../datasources/paging.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import { BadUserInputError, ForbiddenError } from '../../errors.js';
import { requireId } from '../ids.js';
import type { EventRecord } from '../events/model.js';
import type { LiveAccess } from './live-access.js';
import { isOrganizer } from '../events/privacy.js';
import { pageSize } from '../pagination.js';
import { assertOpen, type ViewerAccess } from '../viewer-access.js';
import { rsvpId, type AttendeePage, type CheckInState, type EventStatsChange, type RsvpRecord, type RsvpStatus } from './model.js';
import type { RsvpLedger } from './rsvp-ledger.js';

export interface RsvpServiceDeps {
  events: Pick<EventRepository, 'findById'>;
  rsvps: RsvpRepository;
  ledger: Pick<RsvpLedger, 'answer' | 'withdraw'>;
  /** Live counts of one event from now on, ending when `access` says so. */
  liveCounts: (eventId: string, access: LiveAccess) => AsyncIterableIterator<EventStatsChange>;
}

/** Answer rules for one request: who may answer, see answers and check people in. */
export class RsvpService {
  constructor(
    private readonly deps: RsvpServiceDeps,
    private readonly access: ViewerAccess,
    private readonly loaders: Pick<Loaders, 'eventById' | 'rsvpById' | 'waitlistPosition'>,
  ) {}

  async answer(eventId: string, status: RsvpStatus): Promise<RsvpRecord> {
    const userId = this.access.requireUser();
    const event = await this.openEvent(eventId);
    await this.access.consumeRateLimit('rsvp');
    const record = await this.deps.ledger.answer(event, userId, status);
    this.forget(event._id, userId);
    return record;
  }

  async withdraw(eventId: string): Promise<EventRecord> {
    const userId = this.access.requireUser();
    const event = await this.openEvent(eventId);
    await this.access.consumeRateLimit('rsvp');
    await this.deps.ledger.withdraw(event, userId);
    this.forget(event._id, userId);
    return (await this.deps.events.findById(eventId)) ?? event;
  }

  async checkIn(eventId: string, userId: string, state: CheckInState): Promise<RsvpRecord> {
    const organizer = this.access.requireUser();
    requireId(userId, 'userId');
    const event = await this.access.visibleEventOrNotFound(eventId, 'eventId');
    if (!isOrganizer(event, this.access.viewer)) throw new ForbiddenError('only the host or a co-host can check people in');
    const updated = await this.deps.rsvps.setCheckIn(rsvpId(eventId, userId), state, organizer, new Date());
    if (!updated) throw new BadUserInputError(`${userId} has no seat at this event`, 'userId');
    this.forget(eventId, userId);
    return updated;
  }

  async viewerRsvp(event: EventRecord): Promise<RsvpRecord | null> {
    const viewerId = this.access.viewerId;
    if (!viewerId) return null;
    return this.loaders.rsvpById.load(rsvpId(event._id, viewerId));
  }

  /** Answers to an event the viewer can see (the event resolver already checked that). */
  async attendees(event: EventRecord, status: RsvpStatus | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<AttendeePage> {
    const page = await this.deps.rsvps.pageForEvent(event._id, status ?? null, pageSize(first), timeCursor.decode(after));
    for (const rsvp of page.items) this.loaders.rsvpById.prime(rsvp._id, rsvp);
    return { ...page, showCheckIn: isOrganizer(event, this.access.viewer) };
  }

  /** A user's own answers; nobody else may list them. */
  async ofUser(userId: string, status: RsvpStatus | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<RsvpRecord>> {
    const viewerId = this.access.requireUser();
    if (viewerId !== userId) throw new ForbiddenError('only the user themself can list their answers');
    await this.access.chargeBrowsing();
    return this.deps.rsvps.pageForUser(userId, status ?? null, pageSize(first), timeCursor.decode(after));
  }

  /**
   * Live counts of an event the viewer may see; NOT_FOUND otherwise (no existence leak).
   * The stream ends with NOT_FOUND once they may no longer see it (each change that could
   * take it away is checked again with fresh reads), and with the connection's reason
   * once their authority ends.
   */
  async liveStats(eventId: string): Promise<AsyncIterableIterator<EventStatsChange>> {
    const access = this.access;
    const stream = this.deps.liveCounts(eventId, {
      viewerId: access.viewerId,
      mayView: async (event) => event !== null && (await access.canViewNow(event)),
      authority: access.authority,
    });
    // Watched before the first check, so a change landing meanwhile is not missed.
    try {
      await access.visibleEventOrNotFound(eventId, 'eventId');
    } catch (error) {
      await stream.return?.();
      throw error;
    }
    return stream;
  }

  waitlistPosition(rsvp: RsvpRecord): Promise<number | null> {
    if (rsvp.bucket !== 'WAITLISTED') return Promise.resolve(null);
    return this.loaders.waitlistPosition.load(rsvp._id);
  }

  /** The answerer, the host and co-hosts see check-in state. */
  async checkInVisible(rsvp: RsvpRecord): Promise<boolean> {
    if (rsvp.userId === this.access.viewerId) return true;
    const event = await this.loaders.eventById.load(rsvp.eventId);
    return event !== null && isOrganizer(event, this.access.viewer);
  }

  /** An event the viewer can see and that still takes answers. */
  private async openEvent(eventId: string): Promise<EventRecord> {
    const event = await this.access.visibleEventOrNotFound(eventId, 'eventId');
    assertOpen(event, 'eventId');
    return event;
  }

  private forget(eventId: string, userId: string) {
    this.loaders.rsvpById.clear(rsvpId(eventId, userId));
    this.loaders.eventById.clear(eventId);
  }
}
