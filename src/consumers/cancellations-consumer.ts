import { z } from 'zod';
import type { InvitationRepository } from '../datasources/invitation-repository.js';
import type { MessageBus } from '../datasources/message-bus.js';
import type { RsvpRepository } from '../datasources/rsvp-repository.js';
import { EVENT_TOPIC_TYPES, TOPICS } from '../domain/messaging/cloud-event.js';
import { personalNotification, publishNotifications } from '../domain/notifications/notifications.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { on } from './event-handler.js';

const Cancelled = z.object({
  eventId: z.string().min(1),
  reason: z.string().nullable(),
  title: z.string().optional(),
  startsAt: z.string().optional(),
});

export interface CancellationsDeps {
  bus: MessageBus;
  rsvps: RsvpRepository;
  invitations: InvitationRepository;
  eventSource: string;
}

/**
 * `event.cancelled` fanned out as one `notification.event_cancelled` per person
 * affected: everyone who answered other than NOT_GOING (waitlist included) and every
 * pending invitee. Done from the topic rather than in the mutation, so a cancel with
 * thousands of attendees stays one small write.
 */
export function cancellationsConsumer(groupId: string, deps: CancellationsDeps): ConsumerDefinition {
  return {
    name: 'cancellations',
    topic: TOPICS.events,
    groupId,
    ignores: EVENT_TOPIC_TYPES,
    handlers: {
      'event.cancelled': on(Cancelled, async ({ data }) => {
        const [answers, invitees] = await Promise.all([
          deps.rsvps.answersTo(data.eventId, ['GOING', 'WAITLISTED', 'INTERESTED', 'MAYBE']),
          deps.invitations.pendingInviteesOf(data.eventId),
        ]);
        const recipients = [...new Set([...answers.map((answer) => answer.userId), ...invitees])];
        await publishNotifications(
          deps.bus,
          recipients.map((userId) =>
            personalNotification(deps.eventSource, 'notification.event_cancelled', data.eventId, userId, 'cancelled', {
              eventId: data.eventId,
              reason: data.reason,
              title: data.title ?? null,
              startsAt: data.startsAt ?? null,
            }),
          ),
        );
      }),
    },
  };
}
