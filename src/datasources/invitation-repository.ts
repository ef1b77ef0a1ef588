import type { InvitationRecord, InvitationStatus } from '../domain/invitations/model.js';
import { inIdOrder, type DocumentCollection, type DocumentStore, type Filter } from './documents.js';
import { keysetAfter, keysetSort } from './keyset.js';
import type { OutboxFields, OutboxMessage, OutboxWriter } from './outbox.js';
import { timeCursor, type Page, type TimePosition } from './paging.js';

export const INVITATIONS = 'invitations';

/** Invitations, one document per (event, invitee), each written alone by `_id`. */
export class InvitationRepository {
  private readonly invitations: DocumentCollection<InvitationRecord & OutboxFields>;

  constructor(
    store: DocumentStore,
    private readonly outbox: OutboxWriter,
  ) {
    this.invitations = store.collection<InvitationRecord & OutboxFields>(INVITATIONS);
  }

  ensureIndexes() {
    return this.invitations.createIndexes([
      { key: { inviteeId: 1, createdAt: -1, _id: -1 }, name: 'invitee_createdAt' },
      { key: { inviteeId: 1, status: 1, createdAt: -1, _id: -1 }, name: 'invitee_status_createdAt' },
      { key: { eventId: 1, createdAt: -1, _id: -1 }, name: 'event_createdAt' },
      { key: { eventId: 1, status: 1, createdAt: -1, _id: -1 }, name: 'event_status_createdAt' },
      { key: { outboxCount: 1 }, name: 'outboxCount' },
    ]);
  }

  findById(id: string): Promise<InvitationRecord | null> {
    return this.invitations.findOne({ _id: id });
  }

  /** In the order of `ids`, null where missing; one round trip. */
  async findByIds(ids: readonly string[]): Promise<(InvitationRecord | null)[]> {
    if (ids.length === 0) return [];
    return inIdOrder(ids, await this.invitations.find({ _id: { $in: [...ids] } }));
  }

  /** Inserts with the invitation's domain events. @throws DuplicateKeyError when the (event, invitee) slot is taken */
  async insert(record: InvitationRecord, messages: readonly OutboxMessage[] = []): Promise<InvitationRecord> {
    const stored = { ...record, ...this.outbox.onInsert(messages) };
    await this.outbox.recording(this.invitations.insertOne(stored), messages, { collection: INVITATIONS, id: record._id });
    return stored;
  }

  /**
   * Marks a pending invitation as being accepted until `until`, so a decline cannot slip
   * in between the answer and the acceptance; false when it is no longer pending.
   */
  async claimForAccept(id: string, until: Date): Promise<boolean> {
    return (await this.invitations.updateOne({ _id: id, status: 'PENDING' }, { $set: { acceptingUntil: until } })).matched === 1;
  }

  /** Gives up an acceptance claim (the answer could not be made). */
  async releaseAcceptClaim(id: string): Promise<void> {
    await this.invitations.updateOne({ _id: id, status: 'PENDING' }, { $set: { acceptingUntil: null } });
  }

  /** Pending → ACCEPTED; null when it is no longer pending. */
  accept(id: string, at: Date): Promise<InvitationRecord | null> {
    return this.invitations.findOneAndUpdate(
      { _id: id, status: 'PENDING' },
      { $set: { status: 'ACCEPTED', respondedAt: at, updatedAt: at, acceptingUntil: null } },
    );
  }

  /** Pending and not being accepted → DECLINED; null otherwise. */
  decline(id: string, at: Date): Promise<InvitationRecord | null> {
    return this.invitations.findOneAndUpdate(
      { _id: id, status: 'PENDING', $or: [{ acceptingUntil: null }, { acceptingUntil: { $lt: at } }] },
      { $set: { status: 'DECLINED', respondedAt: at, updatedAt: at } },
    );
  }

  /** Who still has a pending invitation to the event. */
  async pendingInviteesOf(eventId: string): Promise<string[]> {
    return (await this.invitations.find({ eventId, status: 'PENDING' })).map((invitation) => invitation.inviteeId);
  }

  /** Removes a deleted user's pending invitations, received or sent; answered ones stay as history. */
  deletePendingOf(userId: string): Promise<number> {
    return this.invitations.deleteMany({ status: 'PENDING', $or: [{ inviteeId: userId }, { inviterId: userId }] });
  }

  /** Events each user was invited to (any status), for privacy decisions; one round trip for all users. */
  async eventIdsOfInvitees(userIds: readonly string[]): Promise<string[][]> {
    const found = await this.invitations.find({ inviteeId: { $in: [...userIds] } });
    const byUser = new Map<string, string[]>();
    for (const invitation of found) byUser.set(invitation.inviteeId, [...(byUser.get(invitation.inviteeId) ?? []), invitation.eventId]);
    return userIds.map((id) => byUser.get(id) ?? []);
  }

  /** Invitations a user received, newest first. */
  pageForInvitee(inviteeId: string, status: InvitationStatus | null, first: number, position: TimePosition | null): Promise<Page<InvitationRecord>> {
    return this.page({ inviteeId, ...(status ? { status } : {}) }, first, position);
  }

  /** Invitations to an event, newest first. */
  pageForEvent(eventId: string, status: InvitationStatus | null, first: number, position: TimePosition | null): Promise<Page<InvitationRecord>> {
    return this.page({ eventId, ...(status ? { status } : {}) }, first, position);
  }

  private async page(base: Filter, first: number, position: TimePosition | null): Promise<Page<InvitationRecord>> {
    const filter = position ? { $and: [base, keysetAfter('createdAt', position, 'desc')] } : base;
    const rows = await this.invitations.find(filter, { sort: keysetSort('createdAt', 'desc'), limit: first + 1 });
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      cursorOf: (invitation) => timeCursor.encode({ time: invitation.createdAt, id: invitation._id }),
      count: () => this.invitations.count(base),
    };
  }
}
