import { DuplicateKeyError, type DocumentCollection, type DocumentStore, type StoredDocument } from './documents.js';

export const USERS = 'users';

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** This subgraph's copy of a user owned by the users service, fed by the `users` topic. */
export interface UserReplica extends StoredDocument {
  name: string | null;
  /** A calendar date, `YYYY-MM-DD`. */
  birthday: string | null;
  location: GeoPoint | null;
  interests: string[];
  /** The `time` of the last applied user event: older events are ignored. */
  updatedAt: Date;
}

/** Fields of a user event; an absent field keeps its stored value (its default on insert). */
export type UserChanges = Partial<Pick<UserReplica, 'name' | 'birthday' | 'location' | 'interests'>>;

const DEFAULTS: Omit<UserReplica, '_id' | 'updatedAt'> = { name: null, birthday: null, location: null, interests: [] };

export class UserRepository {
  private readonly users: DocumentCollection<UserReplica>;

  constructor(store: DocumentStore) {
    this.users = store.collection<UserReplica>(USERS);
  }

  findById(id: string): Promise<UserReplica | null> {
    return this.users.findOne({ _id: id });
  }

  /**
   * Applies `changes` as of `time` unless the stored replica is newer, in one write by
   * `_id`: the filter only matches a replica at or before `time`, so a newer one makes
   * the upsert collide on `_id` instead. Returns whether the changes were applied.
   */
  async applyIfNotOlder(id: string, changes: UserChanges, time: Date): Promise<boolean> {
    const $set: Record<string, unknown> = { updatedAt: time };
    const $setOnInsert: Record<string, unknown> = {};
    for (const [field, fallback] of Object.entries(DEFAULTS)) {
      const value = changes[field as keyof UserChanges];
      if (value !== undefined) $set[field] = value;
      else $setOnInsert[field] = fallback;
    }
    try {
      await this.users.updateOne(
        { _id: id, updatedAt: { $lte: time } },
        Object.keys($setOnInsert).length > 0 ? { $set, $setOnInsert } : { $set },
        { upsert: true },
      );
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }

  /** Idempotent; returns whether a replica was there. */
  async remove(id: string): Promise<boolean> {
    return (await this.users.deleteOne({ _id: id })) > 0;
  }
}
