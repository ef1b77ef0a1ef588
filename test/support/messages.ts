import { randomUUID } from 'node:crypto';
import type { IncomingMessage, MessageBus } from '../../src/datasources/message-bus.js';
import { cloudEvent, type CloudEvent } from '../../src/domain/messaging/cloud-event.js';
import type { z } from 'zod';
import type { MessageContract } from '../../src/domain/messaging/contract.js';

export interface Received {
  key: string | null;
  event: CloudEvent;
}

/**
 * Collects what `pick` takes from a topic's messages, in a fresh consumer group reading
 * from the beginning; `waitFor(count)` resolves once `count` have arrived, or rejects
 * after `timeoutMs` saying how many did.
 */
export async function collect<T>(bus: MessageBus, topic: string, pick: (message: IncomingMessage) => T | null, what = `messages on ${topic}`) {
  const received: T[] = [];
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const subscription = await bus.subscribe({
    groupId: `test-collector-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    handle: async (message) => {
      const picked = pick(message);
      if (picked === null) return;
      received.push(picked);
      for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
    },
  });
  return {
    received,
    async waitFor(count: number, timeoutMs = 30_000): Promise<T[]> {
      if (received.length >= count) return received;
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`only ${received.length} of ${count} ${what} arrived in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
      return received;
    },
    stop: () => subscription.stop(),
  };
}

/** The raw messages of a topic that `accept` picks (any value, JSON or not). */
export function collectMessages(bus: MessageBus, topic: string, accept: (message: IncomingMessage) => boolean) {
  return collect(bus, topic, (message) => (accept(message) ? message : null));
}

/** The CloudEvents of a topic about one subject, with their Kafka keys. */
export function collectEvents(bus: MessageBus, topic: string, subject: string) {
  return collect<Received>(
    bus,
    topic,
    (message) => {
      if (message.value === null) return null;
      const event = JSON.parse(message.value) as CloudEvent;
      return event.subject === subject ? { key: message.key, event } : null;
    },
    `events for ${subject}`,
  );
}

/** Publishes CloudEvents in structured mode, keyed by subject, as the producing services do. */
export async function publishEvents(bus: MessageBus, topic: string, events: CloudEvent[]): Promise<void> {
  await bus.publish(
    events.map((event) => ({
      topic,
      key: event.subject,
      value: JSON.stringify(event),
      headers: { 'ce-type': event.type, 'ce-id': event.id },
    })),
  );
}

/** A CloudEvent from another service, `time` in ms from now. */
export function foreignEvent<D>(type: string, subject: string, data: D, offsetMs = 0): CloudEvent<D> {
  return cloudEvent('/test-producer', type, subject, data, new Date(Date.now() + offsetMs));
}

/** A valid event of another service's type, made by its contract, `time` in ms from now. */
export function contractEvent<S extends z.ZodType>(contract: MessageContract<S>, subject: string, data: z.input<S>, offsetMs = 0) {
  return contract.create('/test-producer', subject, data, new Date(Date.now() + offsetMs));
}
