import { DuplicateKeyError, type DocumentCollection, type DocumentStore } from './documents.js';

export const REMINDER_CLAIMS = 'reminder_claims';

interface ReminderClaim {
  _id: string;
  eventId: string;
  window: string;
  state: 'sending' | 'sent';
  claimedAt: Date;
  claimedBy: string;
}

/** One claim document per event and window. */
const claimIdOf = (eventId: string, window: string): string => `${eventId}:${window}`;

/**
 * Claims to send one reminder window of one event. A claim is a document inserted with a
 * unique `_id` (atomic on every MongoDB-compatible store), so exactly one instance wins it.
 */
export class ReminderClaimRepository {
  private readonly claims: DocumentCollection<ReminderClaim>;

  constructor(store: DocumentStore) {
    this.claims = store.collection<ReminderClaim>(REMINDER_CLAIMS);
  }

  ensureIndexes(): Promise<void> {
    return this.claims.createIndexes([{ key: { claimedAt: 1 }, name: 'claimedAt' }]);
  }

  /**
   * True when this caller now holds the (event, window) claim: it made it, or took over
   * one left `sending` since before `staleBefore` by a sender that died.
   */
  async claim(eventId: string, window: string, holder: string, now: Date, staleBefore: Date): Promise<boolean> {
    const _id = claimIdOf(eventId, window);
    try {
      await this.claims.insertOne({ _id, eventId, window, state: 'sending', claimedAt: now, claimedBy: holder });
      return true;
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
    const stale = await this.claims.updateOne(
      { _id, state: 'sending', claimedAt: { $lt: staleBefore } },
      { $set: { claimedAt: now, claimedBy: holder } },
    );
    return stale.matched === 1;
  }

  /**
   * Those of `eventIds` whose `window` needs nothing from this caller: sent, or being sent
   * by a holder that claimed it at or after `staleBefore`. One read for a page of events.
   */
  async settled(eventIds: readonly string[], window: string, staleBefore: Date): Promise<Set<string>> {
    const claims = await this.claims.find({ _id: { $in: eventIds.map((eventId) => claimIdOf(eventId, window)) } });
    return new Set(claims.filter((claim) => claim.state === 'sent' || claim.claimedAt >= staleBefore).map((claim) => claim.eventId));
  }

  async markSent(eventId: string, window: string): Promise<void> {
    await this.claims.updateOne({ _id: claimIdOf(eventId, window) }, { $set: { state: 'sent' } });
  }

  /** Removes claims made before `before`. */
  pruneBefore(before: Date): Promise<number> {
    return this.claims.deleteMany({ claimedAt: { $lt: before } });
  }
}
