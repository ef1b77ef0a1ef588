import type { EventRepository } from '../../datasources/event-repository.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import type { Logger } from '../../logger.js';
import { PeriodicPass } from '../../concurrency/periodic-pass.js';
import type { RsvpLedger } from './rsvp-ledger.js';

/** Held by one instance at a time: a lease in the document store, so it needs no Redis. */
export interface JobLease {
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Periodically repairs counts of events whose answers changed recently, and writes the
 * messages of answers that have none. One instance runs a pass at a time (a lease in the
 * document store); a pass looks back two intervals so a missed pass is covered by the next.
 */
export class ReconcileJob {
  private readonly periodic = new PeriodicPass(
    () => this.runOnce(),
    (error) => this.logger.warn({ err: error }, 'reconcile: pass failed; the next pass retries'),
  );

  constructor(
    private readonly events: EventRepository,
    private readonly rsvps: Pick<RsvpRepository, 'eventIdsChangedSince'>,
    private readonly ledger: RsvpLedger,
    private readonly lease: JobLease,
    private readonly logger: Logger,
    private readonly intervalSeconds: number,
  ) {}

  start() {
    this.periodic.start(this.intervalSeconds * 1000);
  }

  stop() {
    return this.periodic.stop();
  }

  /**
   * Events whose counts moved since `since`, and those with answers written since then:
   * an answer written by an instance that died before moving its event's counts leaves
   * no trace on the event.
   */
  private async *eventsToCheck(since: Date | null): AsyncGenerator<string> {
    const seen = new Set<string>();
    for await (const eventId of this.events.idsAnsweredSince(since)) {
      seen.add(eventId);
      yield eventId;
    }
    if (!since) return;
    for (const eventId of await this.rsvps.eventIdsChangedSince(since)) if (!seen.has(eventId)) yield eventId;
  }

  /** Reconciles events answered since `since` (all events when null); returns how many were repaired. */
  async runOnce(since: Date | null = new Date(Date.now() - 2 * this.intervalSeconds * 1000)) {
    if (!(await this.lease.hold())) return { checked: 0, repaired: 0 };
    try {
      let checked = 0;
      let repaired = 0;
      for await (const eventId of this.eventsToCheck(since)) {
        checked += 1;
        // An unsettled event is looked at again by the next pass (it looks back two intervals).
        if ((await this.ledger.reconcile(eventId, since)) === 'repaired') repaired += 1;
        if (checked % 500 === 0) this.logger.info({ checked, repaired }, 'reconcile: progress');
      }
      this.logger.info({ checked, repaired }, 'reconcile: pass done');
      return { checked, repaired };
    } finally {
      await this.lease.release();
    }
  }
}
