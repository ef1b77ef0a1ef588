import { randomUUID } from 'node:crypto';

/** A CloudEvents 1.0 event in structured JSON mode, as published to Kafka. */
export interface CloudEvent<D = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  /** The aggregate id; also the Kafka key. */
  subject: string;
  datacontenttype: 'application/json';
  data: D;
  /**
   * CloudEvents distributed tracing extension: the trace context the event was created
   * in, when tracing is on; publishing and consuming it join that trace.
   */
  traceparent?: string;
  tracestate?: string;
}

export const TOPICS = {
  events: 'events',
  notifications: 'notifications',
  users: 'users',
  friendships: 'friendships',
} as const;

/** `event.*` goes to `events`, `notification.*` to `notifications`. */
export function topicOf(type: string): string {
  if (type.startsWith('notification.')) return TOPICS.notifications;
  if (type.startsWith('event.')) return TOPICS.events;
  throw new Error(`no topic for event type ${type}`);
}

export function cloudEvent<D>(source: string, type: string, subject: string, data: D, time = new Date(), id: string = randomUUID()): CloudEvent<D> {
  return {
    specversion: '1.0',
    id,
    source,
    type,
    time: time.toISOString(),
    subject,
    datacontenttype: 'application/json',
    data,
  };
}
