import { randomUUID } from 'node:crypto';
import type { MessageBus, Subscription } from '../../src/datasources/message-bus.js';
import type { CloudEvent } from '../../src/domain/messaging/cloud-event.js';

export interface Received {
  key: string | null;
  event: CloudEvent;
}

/**
 * Collects CloudEvents for one subject from a topic in a fresh consumer group, and
 * resolves as soon as `count` have arrived (or rejects after `timeoutMs`).
 */
export async function collectEvents(bus: MessageBus, topic: string, subject: string) {
  const received: Received[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  const subscription: Subscription = await bus.subscribe({
    groupId: `test-collector-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    handle: async (message) => {
      if (message.value === null) return;
      const event = JSON.parse(message.value) as CloudEvent;
      if (event.subject !== subject) return;
      received.push({ key: message.key, event });
      if (waiter && received.length >= waiter.count) waiter.resolve();
    },
  });
  return {
    received,
    async waitFor(count: number, timeoutMs = 30_000): Promise<Received[]> {
      if (received.length < count) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`only ${received.length} of ${count} events for ${subject} arrived in ${timeoutMs} ms`)),
            timeoutMs,
          );
          waiter = {
            count,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          };
        });
      }
      return received;
    },
    stop: () => subscription.stop(),
  };
}
