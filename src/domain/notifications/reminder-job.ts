import type { EventRepository } from '../../datasources/event-repository.js';
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

/** Reclaims a claim whose sender died before marking it sent. */
const STALE_CLAIM_MS = 10 * 60_000;
const BATCH = 200;

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

  /** One pass over both windows; returns how many reminders this instance sent. */
  async runOnce(now = new Date()): Promise<number> {
    let sent = 0;
    for (const window of WINDOWS) {
      const due = await this.deps.events.startingBetween(new Date(now.getTime() + window.fromMs), new Date(now.getTime() + window.beforeMs), BATCH);
      for (const event of due) {
        if (!(await this.claim(event._id, window.name, now))) continue;
        const going = await this.deps.rsvps.answersTo(event._id, ['GOING']);
        await publishNotifications(
          this.deps.bus,
          going.map((answer) =>
            personalNotification(ReminderNotification, this.deps.eventSource, `reminder-${window.name}`, {
              eventId: event._id,
              userId: answer.userId,
              window: window.name,
              title: event.title,
              startsAt: event.startsAt.toISOString(),
            }),
          ),
        );
        await this.deps.claims.markSent(event._id, window.name);
        sent += going.length;
      }
    }
    if (sent > 0) this.deps.logger.info({ sent }, 'reminders: sent');
    return sent;
  }

  private claim(eventId: string, window: string, now: Date): Promise<boolean> {
    return this.deps.claims.claim(eventId, window, this.deps.instanceId, now, new Date(now.getTime() - STALE_CLAIM_MS));
  }
}
