import { DuplicateKeyError } from '../../datasources/documents.js';
import type { EventRepository } from '../../datasources/event-repository.js';
import type { InvitationRepository } from '../../datasources/invitation-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import { timeCursor } from '../../datasources/paging.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import type { SocialGraph } from '../../datasources/social-graph.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { EventRecord } from '../events/model.js';
import { isOrganizer } from '../events/privacy.js';
import { parseInput } from '../input.js';
import { InvitationNotification } from '../messaging/notification-messages.js';
import { pageSize } from '../pagination.js';
import { rsvpId } from '../rsvps/model.js';
import type { RsvpLedger } from '../rsvps/rsvp-ledger.js';
import { assertOpen, type ViewerAccess } from '../viewer-access.js';
import {
  invitationId,
  type InvitationPage,
  type InvitationRecord,
  type InvitationSkip,
  type InvitationStatus,
  type InviteFriendsResult,
} from './model.js';
import { inviteFriendsSchema } from './validation.js';

/** How long an acceptance may take to answer GOING before a decline may go ahead anyway. */
const ACCEPT_CLAIM_MS = 30_000;

/**
 * Invitation rules for one request.
 *
 * Who may invite: the host and co-hosts, and for PUBLIC and FRIENDS events anyone whose
 * answer is GOING (seated or waitlisted); only to an ACTIVE event that has not ended,
 * and only friends of the inviter. Each invitation is one document whose `_id` is
 * (event, invitee), inserted with its `notification.event_invitation` in its outbox, so
 * concurrent invitations of one person leave exactly one, and none loses its message.
 * The notification's subject (and Kafka key) is the event id, like the other
 * notifications about an event, so all messages of an event stay in order.
 */
export interface InvitationServiceDeps {
  events: Pick<EventRepository, 'findById'>;
  invitations: InvitationRepository;
  rsvps: Pick<RsvpRepository, 'findById' | 'findByIds'>;
  graph: Pick<SocialGraph, 'friendIdsOf'>;
  ledger: Pick<RsvpLedger, 'answer'>;
  eventSource: string;
  /** The event of an invitation, as the viewer may see it (the events service's rule). */
  visibleEvent: (id: string) => Promise<EventRecord | null>;
}

export class InvitationService {
  constructor(
    private readonly deps: InvitationServiceDeps,
    private readonly access: ViewerAccess,
    private readonly loaders: Pick<Loaders, 'eventById' | 'rsvpById'>,
  ) {}

  async invite(eventId: string, userIds: readonly string[], message: string | null | undefined): Promise<InviteFriendsResult> {
    const inviterId = this.access.requireUser();
    const input = parseInput(inviteFriendsSchema, { userIds, message }, '');
    const event = await this.access.visibleEventOrNotFound(eventId, 'eventId');
    await this.assertMayInvite(event, inviterId);
    assertOpen(event, 'eventId');
    await this.access.consumeRateLimit('invite');

    const ids = input.userIds;
    const [friends, invitations, answers] = await Promise.all([
      this.deps.graph.friendIdsOf([inviterId]),
      this.deps.invitations.findByIds(ids.map((id) => invitationId(event._id, id))),
      this.deps.rsvps.findByIds(ids.map((id) => rsvpId(event._id, id))),
    ]);
    const friendIds = new Set(friends.get(inviterId) ?? []);
    const skipped: InvitationSkip[] = [];
    const candidates: string[] = [];
    ids.forEach((userId, i) => {
      const existing = invitations[i];
      const reason =
        userId === inviterId
          ? 'IS_SELF'
          : userId === event.hostId || event.coHostIds.includes(userId)
            ? 'IS_HOST_OR_COHOST'
            : !friendIds.has(userId)
              ? 'NOT_A_FRIEND'
              : existing?.status === 'PENDING'
                ? 'ALREADY_INVITED'
                : existing || answers[i]
                  ? 'ALREADY_ANSWERED'
                  : null;
      if (reason) skipped.push({ userId, reason });
      else candidates.push(userId);
    });

    const now = new Date();
    const outcomes = await Promise.allSettled(candidates.map((inviteeId) => this.insert(event, inviterId, inviteeId, input.message, now)));
    const invited: InvitationRecord[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') invited.push(outcome.value);
      // A concurrent request invited the same person first: theirs is the pending one.
      else if (outcome.reason instanceof DuplicateKeyError) skipped.push({ userId: candidates[i]!, reason: 'ALREADY_INVITED' });
    });
    const failure = outcomes.find((outcome) => outcome.status === 'rejected' && !(outcome.reason instanceof DuplicateKeyError));
    if (failure) throw (failure as PromiseRejectedResult).reason;
    return { invited, skipped };
  }

  /**
   * The invitee answers a pending invitation; anyone else gets NOT_FOUND.
   *
   * Accepting writes in this order: (1) claim the invitation for acceptance (a decline
   * now waits), (2) answer GOING through the ledger (capacity and waitlist apply),
   * (3) mark it ACCEPTED if still pending. If (2) fails — the event was cancelled, ended
   * or deleted — the claim is dropped and the invitation stays PENDING. A crash after
   * (2) leaves a GOING answer with a pending invitation, which is true (the person is
   * going) and is finished by accepting again, as answering GOING twice changes nothing.
   * The reverse order could show an ACCEPTED invitation with no answer behind it.
   */
  async respond(id: string, accept: boolean): Promise<InvitationRecord> {
    const viewerId = this.access.requireUser();
    const invitation = await this.deps.invitations.findById(id);
    if (!invitation || invitation.inviteeId !== viewerId) throw new NotFoundError('Invitation', id, 'id');
    if (invitation.status !== 'PENDING') throw answeredAlready(invitation.status);
    const responded = accept ? await this.accept(invitation) : await this.decline(invitation);
    this.loaders.rsvpById.clear(rsvpId(invitation.eventId, viewerId));
    this.loaders.eventById.clear(invitation.eventId);
    return responded;
  }

  /** Invitations the viewer received, newest first. */
  async mine(status: InvitationStatus | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<InvitationPage> {
    const viewerId = this.access.requireUser();
    await this.access.chargeBrowsing();
    return this.deps.invitations.pageForInvitee(viewerId, status ?? null, pageSize(first), timeCursor.decode(after));
  }

  /** Invitations to an event the viewer can see, newest first; organisers only. */
  async forEvent(
    event: EventRecord,
    status: InvitationStatus | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<InvitationPage> {
    this.access.requireUser();
    if (!isOrganizer(event, this.access.viewer)) throw new ForbiddenError('only the host or a co-host can list invitations');
    return this.deps.invitations.pageForEvent(event._id, status ?? null, pageSize(first), timeCursor.decode(after));
  }

  /** The event of an invitation, or null once it is deleted or no longer visible. */
  eventOf(invitation: InvitationRecord): Promise<EventRecord | null> {
    return this.deps.visibleEvent(invitation.eventId);
  }

  private async accept(invitation: InvitationRecord): Promise<InvitationRecord> {
    const event = await this.deps.events.findById(invitation.eventId);
    if (!event) throw new ConflictError('the event no longer exists', 'id');
    assertOpen(event, 'id');
    await this.access.consumeRateLimit('rsvp');
    const now = new Date();
    if (!(await this.deps.invitations.claimForAccept(invitation._id, new Date(now.getTime() + ACCEPT_CLAIM_MS)))) {
      throw await this.lostRace(invitation._id);
    }
    try {
      await this.deps.ledger.answer(invitation.eventId, invitation.inviteeId, 'GOING');
    } catch (error) {
      await this.deps.invitations.releaseAcceptClaim(invitation._id);
      throw error;
    }
    const accepted = await this.deps.invitations.accept(invitation._id, new Date());
    if (!accepted) throw await this.lostRace(invitation._id);
    return accepted;
  }

  private async decline(invitation: InvitationRecord): Promise<InvitationRecord> {
    const declined = await this.deps.invitations.decline(invitation._id, new Date());
    if (!declined) throw await this.lostRace(invitation._id);
    return declined;
  }

  /** The CONFLICT for a response that found the invitation answered or being accepted. */
  private async lostRace(id: string): Promise<ConflictError> {
    const current = await this.deps.invitations.findById(id);
    if (current && current.status !== 'PENDING') return answeredAlready(current.status);
    return new ConflictError('the invitation is being accepted; retry', 'id');
  }

  /** Organisers always; for PUBLIC and FRIENDS events, people whose answer is GOING (seated or waitlisted). */
  private async assertMayInvite(event: EventRecord, inviterId: string): Promise<void> {
    if (isOrganizer(event, this.access.viewer)) return;
    if (event.privacy !== 'PRIVATE') {
      const answer = await this.deps.rsvps.findById(rsvpId(event._id, inviterId));
      if (answer?.status === 'GOING') return;
    }
    throw new ForbiddenError(
      event.privacy === 'PRIVATE'
        ? 'only the host or a co-host can invite people to a private event'
        : 'only the host, co-hosts and people going can invite people to this event',
    );
  }

  private insert(event: EventRecord, inviterId: string, inviteeId: string, message: string | null, now: Date): Promise<InvitationRecord> {
    const id = invitationId(event._id, inviteeId);
    const notification = InvitationNotification.create(
      this.deps.eventSource,
      event._id,
      { invitationId: id, eventId: event._id, inviterId, inviteeId, message, title: event.title, startsAt: event.startsAt.toISOString() },
      now,
    );
    const record: InvitationRecord = {
      _id: id,
      eventId: event._id,
      inviterId,
      inviteeId,
      status: 'PENDING',
      message,
      createdAt: now,
      respondedAt: null,
      updatedAt: now,
      acceptingUntil: null,
    };
    return this.deps.invitations.insert(record, [notification]);
  }
}

function answeredAlready(status: InvitationStatus): ConflictError {
  return new ConflictError(`the invitation was ${status.toLowerCase()} already`, 'id');
}
