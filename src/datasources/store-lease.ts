import { DuplicateKeyError, type DocumentCollection, type DocumentStore, type StoredDocument } from './documents.js';

export const LEASES = 'leases';

interface LeaseDocument extends StoredDocument {
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
}

/**
 * A named lease held by one instance at a time, as a document with a unique `_id`:
 * inserts are atomic on every MongoDB-compatible store (FerretDB included, where updates
 * of one document are not isolated), so of several instances racing for it exactly one
 * insert succeeds. An expired lease (its holder died) is deleted, then raced for again.
 * It needs only the document store, so the work it guards goes on while Redis is away.
 */
export class StoreLease {
  private readonly leases: DocumentCollection<LeaseDocument>;
  /** Until when this holder knows it holds the lease (0: it does not). */
  private heldUntil = 0;

  constructor(
    store: DocumentStore,
    private readonly name: string,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {
    this.leases = store.collection<LeaseDocument>(LEASES);
  }

  /** Takes the lease if nobody holds it or its holder's time ran out; returns whether it did. */
  async acquire(now = new Date()): Promise<boolean> {
    if (await this.insert(now)) return true;
    const expired = await this.leases.deleteOne({ _id: this.name, expiresAt: { $lte: now } });
    return expired > 0 && this.insert(now);
  }

  /**
   * Holds the lease for another TTL, taking it if free: for a holder that works as long as
   * it holds it. Renews only once half the TTL has passed, so most calls cost no round trip.
   */
  async hold(now = new Date()): Promise<boolean> {
    if (this.heldUntil - now.getTime() > this.ttlMs / 2) return true;
    if (this.heldUntil > now.getTime()) {
      const expiresAt = new Date(now.getTime() + this.ttlMs);
      const { matched } = await this.leases.updateOne({ _id: this.name, holder: this.holder }, { $set: { expiresAt } });
      this.heldUntil = matched === 1 ? expiresAt.getTime() : 0;
      if (matched === 1) return true;
    }
    const acquired = await this.acquire(now);
    this.heldUntil = acquired ? now.getTime() + this.ttlMs : 0;
    return acquired;
  }

  /** Gives the lease up, if this holder still has it. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.leases.deleteOne({ _id: this.name, holder: this.holder });
  }

  private async insert(now: Date): Promise<boolean> {
    try {
      await this.leases.insertOne({ _id: this.name, holder: this.holder, acquiredAt: now, expiresAt: new Date(now.getTime() + this.ttlMs) });
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }
}
