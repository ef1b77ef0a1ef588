import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MessageTooLargeError, type IncomingMessage, type MessageBus, type OutgoingMessage, type Subscription } from '../../src/datasources/message-bus.js';

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
    const message = (topic: string, key: string, value: string | null, headers?: Record<string, string>): OutgoingMessage => ({
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

    it('delivers a null value (a tombstone) as null and an empty value as empty', async () => {
      const topic = await newTopic();
      const inbox = new Inbox();
      await subscribe(newGroup(), [topic], inbox);

      await bus.publish([message(topic, 'user-1', null), message(topic, 'user-1', '')]);

      assert.deepEqual(valuesOf(await inbox.until(2)), [null, '']);
    });

    it('stamps each delivered message with the time it was appended', async () => {
      const topic = await newTopic();
      const inbox = new Inbox();
      await subscribe(newGroup(), [topic], inbox);
      const before = Date.now();
      await bus.publish([message(topic, 'k', 'v')]);
      const after = Date.now();

      const [received] = await inbox.until(1);
      // Kafka stamps with the producer's clock, in whole milliseconds.
      assert.ok(received!.timestamp >= before - 1 && received!.timestamp <= after + 1, `${received!.timestamp} not in [${before}, ${after}]`);
    });

    it('refuses a message above the size limit with MessageTooLargeError, and keeps publishing', async () => {
      const topic = await newTopic();
      const inbox = new Inbox();
      await subscribe(newGroup(), [topic], inbox);
      // Above Kafka's default max.message.bytes (1 MiB), which the embedded bus applies too.
      const tooLarge = 'x'.repeat(2 * 1024 * 1024);

      await assert.rejects(bus.publish([message(topic, 'k', tooLarge)]), MessageTooLargeError);
      await bus.publish([message(topic, 'k', 'small')]);

      assert.deepEqual(valuesOf(await inbox.until(1)), ['small']);
    });

    it("reports a group's lag per partition from its committed offsets, also while it is not consuming", async () => {
      const topic = await newTopic();
      const groupId = newGroup();
      const inbox = new Inbox();
      const subscription = await subscribe(groupId, [topic], inbox);
      await bus.publish(['a', 'b', 'c'].map((value, i) => message(topic, `key-${i}`, value)));
      await inbox.until(3);
      await subscription.stop();

      const caughtUp = await bus.lag({ groupId, topics: [topic] });
      assert.ok(caughtUp.length >= 1);
      assert.deepEqual(caughtUp.map((p) => p.lag), caughtUp.map(() => 0));
      assert.equal(sum(caughtUp.map((p) => p.endOffset)), 3);

      await bus.publish(['d', 'e'].map((value, i) => message(topic, `key-${i}`, value)));
      const behind = await bus.lag({ groupId, topics: [topic] });
      assert.equal(sum(behind.map((p) => p.lag)), 2);
      for (const partition of behind) {
        assert.equal(partition.topic, topic);
        assert.equal(partition.lag, partition.endOffset - (partition.committedOffset ?? 0));
      }

      // A group that never committed: everything is pending if it starts from the beginning.
      const fresh = newGroup();
      assert.equal(sum((await bus.lag({ groupId: fresh, topics: [topic], fromBeginning: true })).map((p) => p.lag)), 5);
      assert.equal(sum((await bus.lag({ groupId: fresh, topics: [topic], fromBeginning: false })).map((p) => p.lag)), 0);
    });

    it('shows a stuck partition: its lag and the age of the message it is stuck on', async () => {
      const topic = await newTopic();
      const groupId = newGroup();
      let stuckAttempts = 0;
      let resolveRetried!: () => void;
      const retried = new Promise<void>((resolve) => (resolveRetried = resolve));
      subscriptions.push(
        await bus.subscribe({
          groupId,
          topics: [topic],
          fromBeginning: true,
          handle: async (received) => {
            if (received.value !== 'stuck') return;
            if (++stuckAttempts === 2) resolveRetried();
            throw new Error('this message never succeeds');
          },
        }),
      );
      const publishedAt = Date.now();
      await bus.publish(['fine', 'stuck', 'behind'].map((value) => message(topic, 'one-key', value)));
      await retried;

      const partitions = await bus.lag({ groupId, topics: [topic] });
      const stuck = partitions.find((p) => p.lag > 0);
      assert.ok(stuck, JSON.stringify(partitions));
      assert.equal(stuck.lag, 2);
      assert.equal(sum(partitions.map((p) => p.lag)), 2);
      assert.ok(stuck.oldestUnprocessedAt, 'the consuming bus knows when the stuck message was appended');
      assert.ok(Math.abs(stuck.oldestUnprocessedAt.getTime() - publishedAt) < 5_000);
      assert.ok(stuck.oldestUnprocessedAt.getTime() <= Date.now());
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

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function valuesOf(messages: IncomingMessage[]): (string | null)[] {
  return messages.map((m) => m.value);
}
