import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { DLQ_HEADERS } from '../../src/consumers/dead-letters.js';
import { PROCESSED_MESSAGES } from '../../src/datasources/processed-message-repository.js';
import type { StoreMode, TestApp } from '../support/app.js';
import { collectMessages, foreignEvent, publishEvents } from '../support/messages.js';
import { runnerSuite, TEST_MAX_ATTEMPTS as MAX_ATTEMPTS, type TestRunnerOptions } from '../support/runner.js';

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`consumer runner: idempotency, retries and dead letters (${mode})`, () => {
    const suite = runnerSuite(mode);
    let app: TestApp;
    before(() => {
      app = suite.app;
    });
    const startRunner = (options: TestRunnerOptions = {}) => suite.startRunner(options);

    it('handles an envelope id once: a second delivery with other data changes nothing', async () => {
      const { runner, topic, calls, seen } = await startRunner();
      const subject = randomUUID();
      const first = foreignEvent('test.noted', subject, { note: 'first' });
      await publishEvents(app.deps.bus, topic, [first]);
      assert.equal((await runner.settled(first.id)).outcome, 'processed');

      const again = runner.nextSettlement(first.id);
      await publishEvents(app.deps.bus, topic, [{ ...first, data: { note: 'second' } }]);
      assert.equal((await again).outcome, 'duplicate');
      assert.equal(calls.get(subject), 1);
      assert.deepEqual(seen, ['first']);
      assert.equal(await app.deps.store.collection(PROCESSED_MESSAGES).count({ _id: `${runner.name}:${first.id}` }), 1);
    });

    it('retries a failing handler with backoff and records the event once it succeeds', async () => {
      const { runner, topic, calls } = await startRunner();
      const event = foreignEvent('test.flaky', randomUUID(), { failures: MAX_ATTEMPTS - 1 });
      await publishEvents(app.deps.bus, topic, [event]);
      assert.equal((await runner.settled(event.id)).outcome, 'processed');
      assert.equal(calls.get(event.subject), MAX_ATTEMPTS);
    });

    it('dead-letters malformed messages, rejected data and a handler that keeps failing, then goes on', async () => {
      const { runner, topic, calls, seen } = await startRunner();
      const dlq = await collectMessages(app.deps.bus, runner.deadLetterTopic, () => true);
      try {
        // One key, so all five share a partition and the good one comes last.
        const key = randomUUID();
        const broken = foreignEvent('test.broken', key, {});
        const invalid = foreignEvent('test.noted', key, { note: 42 });
        const good = foreignEvent('test.noted', key, { note: 'after the bad ones' });
        const notCloudEvent = JSON.stringify({ hello: 'world' });
        await app.deps.bus.publish([
          { topic, key, value: '{ not json', headers: { origin: 'test' } },
          { topic, key, value: notCloudEvent },
          ...[broken, invalid, good].map((event) => ({ topic, key, value: JSON.stringify(event), headers: { 'ce-id': event.id } })),
        ]);

        assert.equal((await runner.settled(good.id)).outcome, 'processed');
        assert.deepEqual(seen, ['after the bad ones']);
        const letters = await dlq.waitFor(4);
        assert.equal(letters.length, 4);
        const [notJson, notCe, failed, rejected] = letters;
        for (const letter of letters) {
          assert.equal(letter.key, key);
          assert.equal(letter.headers[DLQ_HEADERS.key], key);
          assert.equal(letter.headers[DLQ_HEADERS.consumer], runner.name);
          assert.equal(letter.headers[DLQ_HEADERS.group], runner.definition.groupId);
          assert.equal(letter.headers[DLQ_HEADERS.topic], topic);
          assert.match(letter.headers[DLQ_HEADERS.partition]!, /^\d+$/);
          assert.match(letter.headers[DLQ_HEADERS.offset]!, /^\d+$/);
          assert.ok(!Number.isNaN(Date.parse(letter.headers[DLQ_HEADERS.failedAt]!)));
        }
        assert.deepEqual(
          letters.map((letter) => Number(letter.headers[DLQ_HEADERS.offset])),
          [0, 1, 2, 3].map((step) => Number(notJson!.headers[DLQ_HEADERS.offset]) + step),
        );

        assert.equal(notJson!.value, '{ not json');
        assert.equal(notJson!.headers.origin, 'test');
        assert.equal(notJson!.headers[DLQ_HEADERS.reason], 'malformed');
        assert.match(notJson!.headers[DLQ_HEADERS.error]!, /not JSON/);
        assert.equal(notJson!.headers[DLQ_HEADERS.attempts], '0');

        assert.equal(notCe!.value, notCloudEvent);
        assert.equal(notCe!.headers[DLQ_HEADERS.reason], 'malformed');
        assert.match(notCe!.headers[DLQ_HEADERS.error]!, /not a CloudEvent/);

        assert.equal(failed!.value, JSON.stringify(broken));
        assert.equal(failed!.headers['ce-id'], broken.id);
        assert.equal(failed!.headers[DLQ_HEADERS.reason], 'failed');
        assert.equal(failed!.headers[DLQ_HEADERS.error], `broken handler for ${key}`);
        assert.equal(failed!.headers[DLQ_HEADERS.attempts], String(MAX_ATTEMPTS));
        assert.equal(failed!.headers[DLQ_HEADERS.eventId], broken.id);
        assert.equal(failed!.headers[DLQ_HEADERS.eventType], 'test.broken');
        assert.equal((await runner.settled(broken.id)).outcome, 'dead_lettered');

        assert.equal(rejected!.value, JSON.stringify(invalid));
        assert.equal(rejected!.headers[DLQ_HEADERS.reason], 'invalid');
        assert.match(rejected!.headers[DLQ_HEADERS.error]!, /note/);
        assert.equal(rejected!.headers[DLQ_HEADERS.attempts], '0');

        // The broken handler ran MAX_ATTEMPTS times, the good one once; the invalid never.
        assert.equal(calls.get(key), MAX_ATTEMPTS + 1);
        // Neither a dead letter nor a skipped type leaves a processed record.
        assert.equal(await app.deps.store.collection(PROCESSED_MESSAGES).count({ consumer: runner.name }), 1);
      } finally {
        await dlq.stop();
      }
    });

    it('skips event types it has no handler for, without a dead letter', async () => {
      const { runner, topic } = await startRunner();
      const dlq = await collectMessages(app.deps.bus, runner.deadLetterTopic, () => true);
      try {
        const unknown = foreignEvent('test.unknown', randomUUID(), { anything: true });
        const good = foreignEvent('test.noted', randomUUID(), { note: 'next' });
        await publishEvents(app.deps.bus, topic, [unknown, good]);
        assert.equal((await runner.settled(unknown.id)).outcome, 'ignored');
        assert.equal((await runner.settled(good.id)).outcome, 'processed');
        assert.equal(dlq.received.length, 0);
      } finally {
        await dlq.stop();
      }
    });

    it('redelivers instead of dead-lettering while a store it needs is down', async () => {
      let storeDown = true;
      const { runner, topic, calls } = await startRunner({
        checkDependencies: async () => {
          if (storeDown) {
            storeDown = false;
            throw new Error('store unreachable');
          }
        },
      });
      // Fails every attempt of the first delivery, then succeeds on the redelivery.
      const event = foreignEvent('test.flaky', randomUUID(), { failures: MAX_ATTEMPTS });
      await publishEvents(app.deps.bus, topic, [event]);
      assert.equal((await runner.settled(event.id, 30_000)).outcome, 'processed');
      assert.equal(calls.get(event.subject), MAX_ATTEMPTS + 1);
    });
  });
}
