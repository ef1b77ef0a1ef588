import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { EmbeddedMessageBus } from '../../src/datasources/embedded/embedded-message-bus.js';
import { KafkaMessageBus } from '../../src/datasources/kafka/kafka-message-bus.js';
import { messageBusContract } from '../contracts/message-bus.contract.js';
import { requireEnv } from '../support/env.js';
import { closedPort } from '../support/ports.js';

const connectKafka = () =>
  KafkaMessageBus.connect({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: `test-${randomUUID()}` });

messageBusContract('KafkaMessageBus', connectKafka);
messageBusContract('EmbeddedMessageBus', async () => new EmbeddedMessageBus({ retryDelayMs: 20 }));

describe('KafkaMessageBus', () => {
  it('rejects a publish the broker refuses, and keeps publishing afterwards', async () => {
    const bus = await connectKafka();
    try {
      const topic = `test-${randomUUID()}`;
      await bus.ensureTopics([topic]);
      // Above the broker's default message.max.bytes (1 MiB).
      const tooLarge = 'x'.repeat(2 * 1024 * 1024);
      await assert.rejects(bus.publish([{ topic, key: 'k', value: tooLarge }]), /Kafka publish failed/);
      await bus.publish([{ topic, key: 'k', value: 'small' }]);
    } finally {
      await bus.close();
    }
  });

  it('logs nothing at error level when the topics it ensures exist already', async () => {
    const errors: string[] = [];
    const collect = (level: string) => (details: object, message: string) => {
      if (level === 'error') errors.push(`${message} ${JSON.stringify(details)}`);
    };
    const logger = { error: collect('error'), warn: collect('warn'), info: collect('info'), debug: collect('debug') };
    const topics = [`test-${randomUUID()}`, `test-${randomUUID()}`];
    const first = await KafkaMessageBus.connect({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: `test-${randomUUID()}`, logger });
    try {
      await first.ensureTopics(topics);
      // A second instance starting, and a restart: the topics are there.
      await first.ensureTopics(topics);
      const second = await KafkaMessageBus.connect({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: `test-${randomUUID()}`, logger });
      await second.ensureTopics([...topics, topics[0]!]).finally(() => second.close());
    } finally {
      await first.close();
    }
    assert.deepEqual(errors, []);
  });

  it('fails fast with a clear error when no broker listens', async () => {
    const started = Date.now();
    await assert.rejects(
      KafkaMessageBus.connect({ brokers: [`127.0.0.1:${await closedPort()}`], clientId: 'test-dead-broker' }),
      /cannot connect to Kafka at 127\.0\.0\.1:\d+/,
    );
    assert.ok(Date.now() - started < 10_000, 'took longer than 10 s');
  });
});

describe('EmbeddedMessageBus', () => {
  it('never calls a handler synchronously inside publish', async () => {
    const bus = new EmbeddedMessageBus();
    let called = false;
    let resolveDelivered!: () => void;
    const delivered = new Promise<void>((resolve) => (resolveDelivered = resolve));
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handle: async () => {
        called = true;
        resolveDelivered();
      },
    });
    const publishing = bus.publish([{ topic: 't', key: 'k', value: 'v' }]);
    assert.equal(called, false);
    await publishing;
    assert.equal(called, false);
    await delivered;
    await bus.close();
  });

  it('hands a stopped consumer’s topic to the next consumer of its group', async () => {
    const bus = new EmbeddedMessageBus();
    const seen: string[] = [];
    let resolveSecond!: () => void;
    const second = new Promise<void>((resolve) => (resolveSecond = resolve));
    const first = await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, handle: async (m) => void seen.push(`first:${m.value}`) });
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handle: async (m) => {
        seen.push(`second:${m.value}`);
        if (m.value === 'b') resolveSecond();
      },
    });
    await bus.publish([{ topic: 't', key: 'k', value: 'a' }]);
    await first.stop(); // waits for a delivery in progress, so nothing is handled twice
    await bus.publish([{ topic: 't', key: 'k', value: 'b' }]);
    await second;
    assert.deepEqual(seen.filter((s) => s.endsWith(':b')), ['second:b']);
    assert.equal(seen.filter((s) => s.endsWith(':a')).length, 1);
    await bus.close();
  });
});
