import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { IncomingMessage, MessageBus, OutgoingMessage, Subscription } from '../../src/datasources/message-bus.js';

/** Generous: a Kafka group join plus a rebalance takes a few seconds on a loaded machine. */
const DELIVERY_TIMEOUT_MS = 30_000;

/**
 * Behaviour every MessageBus must share. One bus serves the whole suite; every test uses
 * its own topics and consumer groups, so the tests run concurrently.
 */
export function messageBusContract(name: string, create: () => Promise<MessageBus>) {
  describe(`MessageBus contract: ${name}`, { concurrency: true }, () => {
    let bus: MessageBus;
    const subscriptions: Subscription[] = [];

    before(async () => {
      bus = await create();
    });
    after(async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      await bus?.close();
    });

    const newTopic = async () => {
      const topic = `test-${randomUUID()}`;
      await bus.ensureTopics([topic]);
      return topic;
    };
    const newGroup = () => `group-${randomUUID()}`;
    const subscribe = async (groupId: string, topics: string[], inbox: Inbox, fromBeginning = true) => {
      const subscription = await bus.subscribe({ groupId, topics, fromBeginning, handle: inbox.handle });
      subscriptions.push(subscription);
      return subscription;
    };
    const message = (topic: string, key: string, value: string, headers?: Record<string, string>): OutgoingMessage => ({
      topic,
      key,
      value,
      ...(headers ? { headers } : {}),
    });

    it('answers ping, and creating existing topics again is harmless', async () => {
      await bus.ping();
      const topic = await newTopic();
      await bus.ensureTopics([topic, topic]);
    });

    it('delivers key, value and headers as published', async () => {
      const topic = await newTopic();
      const inbox = new Inbox();
      await subscribe(newGroup(), [topic], inbox);
      const headers = { 'ce-type': 'event.created', 'ce-id': randomUUID(), 'x-unicode': 'Zürich ✓' };
      const value = JSON.stringify({ title: 'Fête de la musique 🎶', seats: 3 });

      await bus.publish([message(topic, 'event-1', value, headers)]);

      const [received] = await inbox.until(1);
      assert.ok(received);
      assert.equal(received.topic, topic);
      assert.equal(received.key, 'event-1');
      assert.equal(received.value, value);
      assert.deepEqual(received.headers, headers);
      assert.equal(typeof received.partition, 'number');
      assert.match(received.offset, /^\d+$/);
    });

    it('accepts an empty publish', async () => {
      await bus.publish([]);
    });

    it('gives every consumer group every message', async () => {
      const topic = await newTopic();
      const [billing, audit] = [new Inbox(), new Inbox()];
      await subscribe(newGroup(), [topic], billing);
      await subscribe(newGroup(), [topic], audit);
      const values = Array.from({ length: 10 }, (_, i) => `m${i}`);

      await bus.publish(values.map((value, i) => message(topic, `key-${i % 4}`, value)));

      assert.deepEqual(valuesOf(await billing.until(10)).sort(), [...values].sort());
      assert.deepEqual(valuesOf(await audit.until(10)).sort(), [...values].sort());
    });

    it('splits messages between the consumers of one group, each handled once', async () => {
      const topic = await newTopic();
      const groupId = newGroup();
      const first = new Inbox();
      const second = new Inbox();
      const both = new Inbox();
      await subscribe(groupId, [topic], first.tee(both));
      await subscribe(groupId, [topic], second.tee(both));
      const values = Array.from({ length: 30 }, (_, i) => `m${i}`);

      await bus.publish(values.map((value, i) => message(topic, `key-${i}`, value)));

      assert.deepEqual(valuesOf(await both.until(30)).sort(), [...values].sort());
      assert.equal(first.messages.length + second.messages.length, 30);
    });

    it('keeps the messages of one key in publish order, across publishes', async () => {
      const topic = await newTopic();
      const inbox = new Inbox();
      await subscribe(newGroup(), [topic], inbox);
      const keys = ['event-a', 'event-b', 'event-c'];
      const round = (from: number) =>
        Array.from({ length: 5 }, (_, i) => keys.map((key) => message(topic, key, `${key}:${from + i}`))).flat();

      await bus.publish(round(0));
      await bus.publish(round(5));

      const received = await inbox.until(30);
      for (const key of keys) {
        const sequence = received.filter((m) => m.key === key).map((m) => Number(m.value?.split(':')[1]));
        assert.deepEqual(sequence, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], `order of ${key}`);
      }
    });

    it('delivers a message again after its handler throws, before the later messages of its key', async () => {
      const topic = await newTopic();
      const attempts: string[] = [];
      const handled = new Inbox();
      let failuresLeft = 1;
      await bus
        .subscribe({
          groupId: newGroup(),
          topics: [topic],
          fromBeginning: true,
          handle: async (received) => {
            attempts.push(received.value ?? '');
            if (received.value === 'second' && failuresLeft-- > 0) throw new Error('transient failure');
            await handled.handle(received);
          },
        })
        .then((subscription) => subscriptions.push(subscription));

      await bus.publish(['first', 'second', 'third'].map((value) => message(topic, 'event-1', value)));

      assert.deepEqual(valuesOf(await handled.until(3)), ['first', 'second', 'third']);
      assert.deepEqual(attempts.filter((value) => value === 'second').length, 2);
      assert.ok(attempts.indexOf('third') > attempts.lastIndexOf('second'), `attempts: ${attempts.join(', ')}`);
    });

    it('starts a new group at the end of the topic unless asked to read from the beginning', async () => {
      const topic = await newTopic();
      await bus.publish([message(topic, 'k', 'before')]);
      const latest = new Inbox();
      const everything = new Inbox();
      await subscribe(newGroup(), [topic], latest, false);
      await subscribe(newGroup(), [topic], everything, true);

      await bus.publish([message(topic, 'k', 'after')]);

      assert.deepEqual(valuesOf(await everything.until(2)), ['before', 'after']);
      assert.deepEqual(valuesOf(await latest.until(1)), ['after']);
    });

    it('resumes a group after the last handled message, and a stopped subscription gets nothing more', async () => {
      const topic = await newTopic();
      const groupId = newGroup();
      const earlier = new Inbox();
      const subscription = await subscribe(groupId, [topic], earlier);
      await bus.publish(['m1', 'm2', 'm3'].map((value) => message(topic, 'k', value)));
      await earlier.until(3);
      await subscription.stop();

      await bus.publish(['m4', 'm5'].map((value) => message(topic, 'k', value)));
      const later = new Inbox();
      await subscribe(groupId, [topic], later);

      assert.deepEqual(valuesOf(await later.until(2)), ['m4', 'm5']);
      assert.deepEqual(valuesOf(earlier.messages), ['m1', 'm2', 'm3']);
    });

    it('consumes several topics in one subscription', async () => {
      const [rsvps, posts] = [await newTopic(), await newTopic()];
      const inbox = new Inbox();
      await subscribe(newGroup(), [rsvps, posts], inbox);

      await bus.publish([message(rsvps, 'e1', 'rsvp'), message(posts, 'e1', 'post')]);

      const received = await inbox.until(2);
      assert.deepEqual(received.map((m) => `${m.topic}:${m.value}`).sort(), [`${posts}:post`, `${rsvps}:rsvp`].sort());
    });

    it('rejects a publish once closed', async () => {
      const own = await create();
      await own.close();
      await assert.rejects(own.publish([message(`test-${randomUUID()}`, 'k', 'v')]));
    });
  });
}

/** Collects delivered messages; `until(n)` resolves with the first n, or fails after a timeout. */
export class Inbox {
  readonly messages: IncomingMessage[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private readonly forwards: Inbox[] = [];

  readonly handle = async (message: IncomingMessage): Promise<void> => {
    this.messages.push(message);
    for (const inbox of this.forwards) await inbox.handle(message);
    for (const waiter of this.waiters.filter((w) => this.messages.length >= w.count)) waiter.resolve();
  };

  /** Also records every message into `other` (e.g. a combined inbox for a whole group). */
  tee(other: Inbox): this {
    this.forwards.push(other);
    return this;
  }

  async until(count: number, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<IncomingMessage[]> {
    if (this.messages.length < count) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push({ count, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`got ${this.messages.length} of ${count} messages within ${timeoutMs} ms: ${valuesOf(this.messages).join(', ')}`)),
            timeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return this.messages.slice(0, count);
  }
}

function valuesOf(messages: IncomingMessage[]): (string | null)[] {
  return messages.map((m) => m.value);
}
