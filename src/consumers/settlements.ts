export type Outcome = 'processed' | 'duplicate' | 'ignored' | 'dead_lettered';

/** How one delivered message ended. */
export interface Settlement {
  outcome: Outcome;
  eventId: string | null;
  type: string | null;
  topic: string;
  partition: number;
  offset: string;
  error?: string;
  /** For a dead letter: where it was recorded. */
  deadLetter?: DeadLetterPlacement;
}

/** `topic`: on the dead-letter topic as is; `store`: in the `dead_letters` collection, with a truncated copy on the topic when it could be published. */
export type DeadLetterPlacement = 'topic' | 'store';

const RECENT_SETTLEMENTS = 1_000;

/**
 * The last settled events by id, and waiters for the next ones: lets tests and tools
 * await a message's outcome instead of polling the stores.
 */
export class SettlementLog {
  private readonly recent = new Map<string, Settlement>();
  private readonly waiters = new Map<string, Set<(settlement: Settlement) => void>>();

  constructor(private readonly name: string) {}

  record(settlement: Settlement) {
    const eventId = settlement.eventId;
    if (eventId === null) return;
    this.recent.delete(eventId);
    this.recent.set(eventId, settlement);
    if (this.recent.size > RECENT_SETTLEMENTS) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) this.recent.delete(oldest.value);
    }
    const waiters = this.waiters.get(eventId);
    if (waiters) {
      this.waiters.delete(eventId);
      for (const resolve of waiters) resolve(settlement);
    }
  }

  /** At once when the event was among the last settled messages, else like `next`. */
  settled(eventId: string, timeoutMs: number): Promise<Settlement> {
    const known = this.recent.get(eventId);
    return known ? Promise.resolve(known) : this.next(eventId, timeoutMs);
  }

  /** The next settlement of `eventId` after this call; rejects after `timeoutMs`. */
  next(eventId: string, timeoutMs: number): Promise<Settlement> {
    return new Promise<Settlement>((resolve, reject) => {
      let waiters = this.waiters.get(eventId);
      if (!waiters) {
        waiters = new Set();
        this.waiters.set(eventId, waiters);
      }
      const done = (settlement: Settlement) => {
        clearTimeout(timer);
        resolve(settlement);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        if (waiters.size === 0) this.waiters.delete(eventId);
        reject(new Error(`${this.name}: event ${eventId} was not settled within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(done);
    });
  }
}
