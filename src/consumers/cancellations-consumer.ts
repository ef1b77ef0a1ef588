import type { InvitationRepository } from '../datasources/invitation-repository.js';
import type { MessageBus } from '../datasources/message-bus.js';
import type { RsvpRepository } from '../datasources/rsvp-repository.js';
import { TOPICS } from '../domain/messaging/cloud-event.js';
import { EVENT_TOPIC_TYPES, EventCancelled } from '../domain/messaging/event-messages.js';
import { CancelledNotification, personalNotification } from '../domain/messaging/notification-messages.js';
import { publishNotifications } from '../domain/notifications/notifications.js';
import type { ConsumerDefinition } from './consumer-runner.js';
import { on } from './event-handler.js';

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
      [EventCancelled.type]: on(EventCancelled.data, async ({ data }) => {
        const [answers, invitees] = await Promise.all([
          deps.rsvps.answersTo(data.eventId, ['GOING', 'WAITLISTED', 'INTERESTED', 'MAYBE']),
          deps.invitations.pendingInviteesOf(data.eventId),
        ]);
        const recipients = [...new Set([...answers.map((answer) => answer.userId), ...invitees])];
        await publishNotifications(
          deps.bus,
          recipients.map((userId) =>
            personalNotification(CancelledNotification, deps.eventSource, 'cancelled', {
              eventId: data.eventId,
              userId,
              reason: data.reason,
              title: data.title,
              startsAt: data.startsAt,
            }),
          ),
        );
      }),
    },
  };
}
