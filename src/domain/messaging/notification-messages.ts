import { z } from 'zod';
import type { CloudEvent } from './cloud-event.js';
import { defineMessage, type MessageContract } from './contract.js';

/** The contracts of what this service publishes on the `notifications` topic (see asyncapi.yaml). */

const id = z.string().min(1);
const isoTime = z.iso.datetime({ offset: true });

export const InvitationNotification = defineMessage(
  'notification.event_invitation',
  z.object({ invitationId: id, eventId: id, inviterId: id, inviteeId: id, message: z.string().nullable(), title: z.string(), startsAt: isoTime }),
);

export const ReminderNotification = defineMessage(
  'notification.event_reminder',
  z.object({ eventId: id, userId: id, window: z.enum(['1h', '24h']), title: z.string(), startsAt: isoTime }),
);

export const CancelledNotification = defineMessage(
  'notification.event_cancelled',
  z.object({ eventId: id, userId: id, reason: z.string().nullable(), title: z.string().nullable(), startsAt: isoTime.nullable() }),
);

export const WaitlistPromotedNotification = defineMessage(
  'notification.event_waitlist_promoted',
  z.object({ eventId: id, userId: id, title: z.string(), startsAt: isoTime }),
);

/**
 * A notification to one person about an event. Its id is derived from (event, kind,
 * recipient), so a retried fan-out republishes the same ids and consumers drop the
 * duplicates; the subject is the event, so an event's messages stay in order.
 */
export function personalNotification<S extends z.ZodType<{ eventId: string; userId: string }>>(
  contract: MessageContract<S>,
  source: string,
  kind: string,
  data: z.input<S> & { eventId: string; userId: string },
): CloudEvent<z.output<S>> {
  const event = contract.create(source, data.eventId, data);
  return { ...event, id: `${data.eventId}:${kind}:${data.userId}` };
}
