import type { MessageBus } from '../../datasources/message-bus.js';
import { TOPICS, type CloudEvent } from '../messaging/cloud-event.js';

/** Kafka takes large batches badly; a few hundred messages per send keeps requests small. */
const CHUNK = 500;

/** Publishes notifications in chunks, each structured-mode CloudEvent keyed by its subject. */
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
