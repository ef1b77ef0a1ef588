import type { MessageBus } from '../../datasources/message-bus.js';
import { TOPICS, type CloudEvent } from '../messaging/cloud-event.js';

/** Kafka takes large batches badly; a few hundred messages per send keeps requests small. */
const CHUNK = 500;

/**
 * A notification per recipient. Ids are derived from (event, kind, recipient), so a
 * retried fan-out republishes the same ids and consumers drop the duplicates.
 */
export function personalNotification<D>(source: string, type: string, eventId: string, userId: string, kind: string, data: D): CloudEvent<D & { userId: string }> {
  return {
    specversion: '1.0',
    id: `${eventId}:${kind}:${userId}`,
    source,
    type,
    time: new Date().toISOString(),
    subject: eventId,
    datacontenttype: 'application/json',
    data: { ...data, userId },
  };
}

export async function publishNotifications(bus: MessageBus, notifications: CloudEvent[]): Promise<void> {
  for (let i = 0; i < notifications.length; i += CHUNK) {
    await bus.publish(
      notifications.slice(i, i + CHUNK).map((event) => ({
        topic: TOPICS.notifications,
        key: event.subject,
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
      })),
    );
  }
}
