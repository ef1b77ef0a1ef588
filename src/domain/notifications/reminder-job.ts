import type { EventRepository } from '../../datasources/event-repository.js';
import type { EventRecord } from '../events/model.js';
import type { MessageBus } from '../../datasources/message-bus.js';
import type { ReminderClaimRepository } from '../../datasources/reminder-claim-repository.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import type { Logger } from '../../logger.js';
import { personalNotification, ReminderNotification } from '../messaging/notification-messages.js';
import { publishNotifications } from './notifications.js';
import { PeriodicPass } from '../../concurrency/periodic-pass.js';

/** Reminder windows: an event gets the 24 h reminder unless it is already within the hour. */
export const WINDOWS = [
  { name: '1h', beforeMs: 3600_000, fromMs: 0 },
  { name: '24h', beforeMs: 24 * 3600_000, fromMs: 3600_000 },
] as const;

type ReminderWindow = (typeof WINDOWS)[number]['name'];

/** Reclaims a claim whose sender died before marking it sent. */
const STALE_CLAIM_MS = 10 * 60_000;
/** Events read, and their claims looked up, at once. */
export const REMINDER_PAGE_SIZE = 200;

export interface ReminderDeps {
  claims: ReminderClaimRepository;
  events: EventRepository;
  rsvps: RsvpRepository;
  bus: MessageBus;
  logger: Logger;
  eventSource: string;
  instanceId: string;
}

/**
 * Sends `notification.event_reminder` to everyone GOING, once per event and window,
 * with any number of instances running: a window is claimed by inserting the claim
 * document with a unique `_id` (atomic on every MongoDB-compatible store), so exactly
 * one instance sends it. Notification ids are derived from (event, window, user), so a
 * re-sent stale claim produces duplicates consumers drop.
 */
export class ReminderJob {
  private readonly periodic = new PeriodicPass(
    () => this.runOnce(),
    (error) => this.deps.logger.warn({ err: error }, 'reminders: pass failed; next pass retries'),
  );

  constructor(private readonly deps: ReminderDeps) {}

  /**
   * Removes claims made before `before`. A claim is made at most 24 h before its event
   * starts and is never looked at once the event has started, so anything older than a
   * day and an hour is safe to drop.
   */
  pruneClaims(before: Date): Promise<number> {
    return this.deps.claims.pruneBefore(before);
  }

  start(intervalMs: number) {
    this.periodic.start(intervalMs);
  }

  stop() {
    return this.periodic.stop();
  }

  /**
   * One pass over both windows; returns how many reminders this instance sent. Every event
   * of a window is looked at, page by page: events already reminded are skipped by one
   * read of their claims per page, so they cannot crowd out the ones still due.
   */
  async runOnce(now = new Date()): Promise<number> {
    let sent = 0;
    const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
    for (const window of WINDOWS) {
      const pages = this.deps.events.startingBetween(new Date(now.getTime() + window.fromMs), new Date(now.getTime() + window.beforeMs), REMINDER_PAGE_SIZE);
      for await (const page of pages) {
        const settled = await this.deps.claims.settled(
          page.map((event) => event._id),
          window.name,
          staleBefore,
        );
        for (const event of page) {
          if (settled.has(event._id)) continue;
          if (!(await this.deps.claims.claim(event._id, window.name, this.deps.instanceId, now, staleBefore))) continue;
          sent += await this.remind(event, window.name);
        }
      }
    }
    if (sent > 0) this.deps.logger.info({ sent }, 'reminders: sent');
    return sent;
  }

  /** Sends one window's reminder of `event` to everyone GOING and marks the claim sent; returns how many. */
  private async remind(event: EventRecord, window: ReminderWindow): Promise<number> {
    const going = await this.deps.rsvps.answersTo(event._id, ['GOING']);
    await publishNotifications(
      this.deps.bus,
      going.map((answer) =>
        personalNotification(ReminderNotification, this.deps.eventSource, `reminder-${window}`, {
          eventId: event._id,
          userId: answer.userId,
          window,
          title: event.title,
          startsAt: event.startsAt.toISOString(),
        }),
      ),
    );
    await this.deps.claims.markSent(event._id, window);
    return going.length;
  }

}
