import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { DEAD_LETTERS, type DeadLetterRecord } from '../../src/datasources/dead-letter-repository.js';
import { DLQ_HEADERS } from '../../src/consumers/dead-letters.js';
import { EMBEDDED_MAX_MESSAGE_BYTES } from '../../src/datasources/embedded/embedded-message-bus.js';
import type { MessageBus, OutgoingMessage } from '../../src/datasources/message-bus.js';
import type { StoreMode, TestApp } from '../support/app.js';
import { requireEnv } from '../support/env.js';
import { recordBatchBytes } from '../support/kafka-record-size.js';
import { collectMessages, foreignEvent, publishEvents } from '../support/messages.js';
import { runnerSuite, type TestRunnerOptions } from '../support/runner.js';

/** How far below the limit the original message is: its dead letter's extra headers take more. */
const MARGIN_BYTES = 200;

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`a dead letter the dead-letter topic does not take never blocks the partition (${mode})`, () => {
    const suite = runnerSuite(mode);
    let app: TestApp;
    before(() => {
      app = suite.app;
    });
    const startRunner = (options: TestRunnerOptions = {}) => suite.startRunner(options);

    const deadLetterOf = (eventId: string) => app.deps.store.collection<DeadLetterRecord>(DEAD_LETTERS).findOne({ eventId });

    it(`keeps a message ${MARGIN_BYTES} bytes under the size limit whole in the store, points to it from the topic, and goes on`, async () => {
      const { runner, topic, seen } = await startRunner();
      const limit = mode === 'real' ? await maxMessageBytes(topic) : EMBEDDED_MAX_MESSAGE_BYTES;
      const key = randomUUID();
      // Rejected by its handler (note must be a string), so it is dead-lettered at once.
      const large = foreignEvent('test.noted', key, { note: 42, padding: '' });
      const headers = { 'ce-type': large.type, 'ce-id': large.id };
      const target = limit - MARGIN_BYTES;
      // Length fields grow with the value, so settle the padding in a few rounds.
      for (let size = recordBatchBytes(key, JSON.stringify(large), headers); size !== target; size = recordBatchBytes(key, JSON.stringify(large), headers)) {
        large.data.padding = 'x'.repeat(large.data.padding.length + target - size);
      }
      const value = JSON.stringify(large);
      assert.equal(recordBatchBytes(key, value, headers), target);
      const behind = foreignEvent('test.noted', key, { note: 'behind the large one' });
      const dlq = await collectMessages(app.deps.bus, runner.deadLetterTopic, () => true);
      try {
        // Fits the topic, so the broker takes it.
        await app.deps.bus.publish([{ topic, key, value, headers }]);
        await publishEvents(app.deps.bus, topic, [behind]);

        const settlement = await runner.settled(large.id, 30_000);
        assert.equal(settlement.outcome, 'dead_lettered');
        assert.equal(settlement.deadLetter, 'store');
        assert.equal((await runner.settled(behind.id, 30_000)).outcome, 'processed');
        assert.deepEqual(seen, ['behind the large one']);

        const record = await deadLetterOf(large.id);
        assert.ok(record, 'the whole message is in dead_letters');
        assert.equal(record.value, value);
        assert.equal(record.valueBytes, Buffer.byteLength(value));
        assert.equal(record.valueTruncated, false);
        assert.equal(record.cause, 'too_large');
        assert.equal(record.reason, 'invalid');
        assert.match(record.error, /note/);
        assert.equal(record.key, key);
        assert.equal(record.topic, topic);
        assert.equal(record.offset, settlement.offset);
        assert.deepEqual(record.headers, [
          { name: 'ce-type', value: large.type },
          { name: 'ce-id', value: large.id },
        ]);
        assert.equal(record.copyOnTopic, true);

        const [copy] = await dlq.waitFor(1);
        assert.equal(copy!.key, key);
        assert.equal(copy!.headers[DLQ_HEADERS.record], `${DEAD_LETTERS}/${record._id}`);
        assert.equal(copy!.headers[DLQ_HEADERS.truncated], 'true');
        assert.equal(copy!.headers[DLQ_HEADERS.originalBytes], String(Buffer.byteLength(value)));
        assert.equal(copy!.headers[DLQ_HEADERS.eventId], large.id);
        assert.equal(copy!.headers[DLQ_HEADERS.reason], 'invalid');
        assert.equal(copy!.headers['ce-id'], large.id);
        assert.equal(copy!.value, value.slice(0, 1024));
      } finally {
        await dlq.stop();
      }
    });

    it('keeps the dead letter in the store when every publish to the dead-letter topic fails, and goes on', async () => {
      const bus = new DeadLetterTopicDown(app.deps.bus);
      const { runner, topic, seen } = await startRunner({ bus, deadLetterPublishAttempts: 2 });
      const key = randomUUID();
      const rejected = foreignEvent('test.noted', key, { note: 7 });
      const behind = foreignEvent('test.noted', key, { note: 'next' });
      await publishEvents(app.deps.bus, topic, [rejected, behind]);

      const settlement = await runner.settled(rejected.id);
      assert.equal(settlement.outcome, 'dead_lettered');
      assert.equal(settlement.deadLetter, 'store');
      assert.equal((await runner.settled(behind.id)).outcome, 'processed');
      assert.deepEqual(seen, ['next']);
      // Two attempts with the whole message, one with the copy.
      assert.equal(bus.refused, 3);
      const record = await deadLetterOf(rejected.id);
      assert.equal(record?.cause, 'publish_failed');
      assert.equal(record?.value, JSON.stringify(rejected));
      assert.equal(record?.copyOnTopic, false);
    });
  });
}

/** The topic's size limit as the broker reports it. */
async function maxMessageBytes(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: `test-${randomUUID()}`, brokers: requireEnv('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['max.message.bytes'] }], includeSynonyms: false });
    const value = resources[0]?.configEntries.find((entry) => entry.configName === 'max.message.bytes')?.configValue;
    assert.ok(value, `no max.message.bytes for ${topic}`);
    return Number(value);
  } finally {
    await admin.disconnect();
  }
}

/** The app's bus, except that every publish to a dead-letter topic fails. */
class DeadLetterTopicDown implements MessageBus {
  refused = 0;
  readonly kind: MessageBus['kind'];
  constructor(private readonly inner: MessageBus) {
    this.kind = inner.kind;
  }
  async publish(messages: OutgoingMessage[]) {
    if (messages.some((message) => message.topic.endsWith('.dlq'))) {
      this.refused += 1;
      throw new Error('the dead-letter topic is unavailable');
    }
    return this.inner.publish(messages);
  }
  subscribe: MessageBus['subscribe'] = (options) => this.inner.subscribe(options);
  ensureTopics: MessageBus['ensureTopics'] = (topics) => this.inner.ensureTopics(topics);
  lag: MessageBus['lag'] = (query) => this.inner.lag(query);
  ping: MessageBus['ping'] = () => this.inner.ping();
  close: MessageBus['close'] = async () => undefined;
}
