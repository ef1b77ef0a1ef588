import { randomUUID } from 'node:crypto';
import type { IncomingMessage, MessageBus } from '../../src/datasources/message-bus.js';
import { cloudEvent, type CloudEvent } from '../../src/domain/messaging/cloud-event.js';

/**
 * Collects the raw messages of a topic that `accept` picks (any value, JSON or not), in
 * a fresh consumer group reading from the beginning; `waitFor` resolves once `count`
 * have arrived or rejects after `timeoutMs`.
 */
export async function collectMessages(bus: MessageBus, topic: string, accept: (message: IncomingMessage) => boolean) {
  const received: IncomingMessage[] = [];
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const subscription = await bus.subscribe({
    groupId: `test-collector-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    handle: async (message) => {
      if (!accept(message)) return;
      received.push(message);
      for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
    },
  });
  return {
    received,
    async waitFor(count: number, timeoutMs = 30_000): Promise<IncomingMessage[]> {
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
          reject(new Error(`only ${received.length} of ${count} messages arrived on ${topic} in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
      return received;
    },
    stop: () => subscription.stop(),
  };
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
