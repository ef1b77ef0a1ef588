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

/**
 * What the collection holds per user: a replica, or — after `user.deleted` — a tombstone
 * with only `updatedAt` and `deletedAt` (the deletion's time), kept until the
 * housekeeping job prunes it so that older events for the user stay ignored.
 */
type UserDocument = StoredDocument & Partial<Omit<UserReplica, '_id' | 'updatedAt'>> & { updatedAt: Date; deletedAt?: Date };

const DEFAULTS: Omit<UserReplica, '_id' | 'updatedAt'> = { name: null, birthday: null, location: null, interests: [] };
const FIELDS = Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[];
/** Compare-and-set rounds before giving up (another writer kept changing the user). */
const MAX_ROUNDS = 5;

/**
 * The replica, written by the `users` consumer with the newest event `time` winning.
 * Writes read the user, decide, then replace it only if it is still what they read
 * (a filter on `updatedAt`, or a unique `_id` insert). Every field is written every time:
 * FerretDB ignores `$setOnInsert` next to `$set` in an upsert, so insert-only defaults
 * would be lost there.
 */
export class UserRepository {
  private readonly users: DocumentCollection<UserDocument>;

  constructor(store: DocumentStore) {
    this.users = store.collection<UserDocument>(USERS);
  }

  ensureIndexes(): Promise<void> {
    return this.users.createIndexes([{ key: { deletedAt: 1 }, name: 'deletedAt' }]);
  }

  /** The replica; null for an unknown or deleted user. */
  async findById(id: string): Promise<UserReplica | null> {
    const doc = await this.users.findOne({ _id: id });
    return doc && !doc.deletedAt ? replicaOf(doc) : null;
  }

  /** The live replicas among `ids` (unknown and deleted users left out), in one round trip. */
  async findByIds(ids: readonly string[]): Promise<UserReplica[]> {
    if (ids.length === 0) return [];
    const docs = await this.users.find({ _id: { $in: [...new Set(ids)] } });
    return docs.filter((doc) => !doc.deletedAt).map(replicaOf);
  }

  /**
   * Writes replicas of users the replica does not know yet (a first load of the users
   * service's data, demo data, benchmarks): one insert each, leaving known users and
   * tombstones as they are. Returns how many it wrote.
   */
  async importNew(replicas: readonly UserReplica[]): Promise<number> {
    let written = 0;
    for (const replica of replicas) {
      try {
        await this.users.insertOne({ ...replica });
        written += 1;
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
    }
    return written;
  }

  /**
   * Applies `changes` as of `time` unless the stored user (replica or tombstone) is
   * newer; at equal times a deletion wins. A change newer than a deletion brings the user
   * back with defaults for the fields it lacks. Returns whether the changes were applied.
   */
  async applyIfNotOlder(id: string, changes: UserChanges, time: Date): Promise<boolean> {
    // The usual case in one write: a live replica, not newer than the event, with every field already there.
    const $set: Record<string, unknown> = { updatedAt: time };
    for (const field of FIELDS) if (changes[field] !== undefined) $set[field] = changes[field];
    const { matched } = await this.users.updateOne({ _id: id, updatedAt: { $lte: time }, deletedAt: { $exists: false } }, { $set });
    if (matched === 1) return true;
    // New, deleted or newer: decide on what is stored; a new user is the likeliest.
    return this.compareAndSet(id, 'try-insert', (current) => {
      if (current && (current.updatedAt > time || (current.deletedAt && current.updatedAt.getTime() === time.getTime()))) return null;
      const base = current && !current.deletedAt ? replicaOf(current) : DEFAULTS;
      const next: Omit<UserReplica, '_id'> = { ...pickFields(base), updatedAt: time };
      for (const field of FIELDS) if (changes[field] !== undefined) Object.assign(next, { [field]: changes[field] });
      return next;
    });
  }

  /**
   * Replaces the user by a tombstone as of `time`, unless the stored user is newer.
   * Returns whether the tombstone was written (or was there already for this time).
   */
  async applyDeletion(id: string, time: Date): Promise<boolean> {
    return this.compareAndSet(id, 'read', (current) => {
      if (current && current.updatedAt > time) return null;
      return { updatedAt: time, deletedAt: time };
    });
  }

  /** Which of `ids` are deleted users (tombstones). */
  async deletedAmong(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const tombstones = await this.users.find({ _id: { $in: [...new Set(ids)] }, deletedAt: { $exists: true } });
    return new Set(tombstones.map((doc) => doc._id));
  }

  /** Removes tombstones of users deleted before `before`; returns how many. */
  pruneTombstones(before: Date): Promise<number> {
    return this.users.deleteMany({ deletedAt: { $lt: before } });
  }

  /**
   * Reads the user, asks `decide` for its next state (null: leave it), and writes that
   * state only if the user is unchanged since the read; otherwise decides again. With
   * `try-insert` the first round skips the read and inserts what `decide` makes of no user.
   */
  private async compareAndSet(
    id: string,
    start: 'read' | 'try-insert',
    decide: (current: UserDocument | null) => Omit<UserDocument, '_id'> | null,
  ): Promise<boolean> {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const current = start === 'try-insert' && round === 1 ? null : await this.users.findOne({ _id: id });
      const next = decide(current);
      if (!next) return false;
      if (!current) {
        try {
          await this.users.insertOne({ _id: id, ...next });
          return true;
        } catch (error) {
          if (!(error instanceof DuplicateKeyError)) throw error;
          continue;
        }
      }
      const $unset: Record<string, ''> = {};
      for (const field of [...FIELDS, 'deletedAt'] as const) if (!(field in next)) $unset[field] = '';
      const unchanged = { _id: id, updatedAt: current.updatedAt, deletedAt: current.deletedAt ?? { $exists: false } };
      const { matched } = await this.users.updateOne(unchanged, Object.keys($unset).length > 0 ? { $set: next, $unset } : { $set: next });
      if (matched === 1) return true;
    }
    throw new Error(`user ${id} kept changing during ${MAX_ROUNDS} attempts to update its replica`);
  }
}

/** A replica with every field, also for documents written before a field existed. */
function replicaOf(doc: UserDocument): UserReplica {
  return { _id: doc._id, ...pickFields(doc), updatedAt: doc.updatedAt };
}

function pickFields(source: Partial<typeof DEFAULTS>): typeof DEFAULTS {
  return {
    name: source.name ?? DEFAULTS.name,
    birthday: source.birthday ?? DEFAULTS.birthday,
    location: source.location ?? DEFAULTS.location,
    interests: source.interests ?? DEFAULTS.interests,
  };
}
