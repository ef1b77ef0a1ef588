import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { DLQ_HEADERS } from '../../src/consumers/dead-letters.js';
import type { StoreMode, TestApp } from '../support/app.js';
import { captureLogs } from '../support/logs.js';
import { collectMessages, foreignEvent, publishEvents } from '../support/messages.js';
import { runnerSuite, type TestRunnerOptions } from '../support/runner.js';

const HOUR = 3600_000;

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`consumers accept strict CloudEvents only (${mode})`, () => {
    const suite = runnerSuite(mode);
    let app: TestApp;
    before(() => {
      app = suite.app;
    });
    const startRunner = (options: TestRunnerOptions = {}) => suite.startRunner(options);

    it('dead-letters as invalid an envelope whose time, id, source, type, specversion or content type breaks the rules', async () => {
      const { runner, topic, seen } = await startRunner({ maxFutureSkewMs: 60_000 });
      const dlq = await collectMessages(app.deps.bus, runner.deadLetterTopic, () => true);
      try {
        const key = randomUUID();
        const valid = () => foreignEvent('test.noted', key, { note: 'bad' });
        const broken: [string, Record<string, unknown>, RegExp][] = [
          ['a bare number as time', { ...valid(), time: '99999' }, /time: must be an RFC 3339 timestamp/],
          ['"1" as time', { ...valid(), time: '1' }, /time: must be an RFC 3339/],
          ['a date without a time', { ...valid(), time: '2024-05-01' }, /time: must be an RFC 3339/],
          ['a time without seconds', { ...valid(), time: '2024-05-01T10:00Z' }, /time: must be an RFC 3339/],
          ['a time without a zone', { ...valid(), time: '2024-05-01T10:00:00' }, /time: must be an RFC 3339/],
          ['an impossible date', { ...valid(), time: '2024-02-30T10:00:00Z' }, /time: must be an RFC 3339/],
          ['an hour in the future', { ...valid(), time: new Date(Date.now() + HOUR).toISOString() }, /time: lies more than 60000 ms in the future/],
          ['no time', { ...valid(), time: undefined }, /time: /],
          ['an empty id', { ...valid(), id: '' }, /id: /],
          ['an id with spaces', { ...valid(), id: 'not an id' }, /id: must be printable ASCII without spaces/],
          ['an empty source', { ...valid(), source: '' }, /source: /],
          ['a type with spaces', { ...valid(), type: 'test noted' }, /type: must be printable ASCII without spaces/],
          ['specversion 0.3', { ...valid(), specversion: '0.3' }, /specversion: /],
          ['a non-JSON content type', { ...valid(), datacontenttype: 'text/plain' }, /datacontenttype: must be a JSON media type/],
        ];
        const accepted = [
          foreignEvent('test.noted', key, { note: 'offset' }),
          foreignEvent('test.noted', key, { note: 'skew' }, 30_000),
          foreignEvent('test.noted', key, { note: 'lower case' }),
        ];
        accepted[0]!.time = '2024-05-01T12:00:00.123+02:00';
        accepted[2]!.time = '2024-05-01t10:00:00z';
        await app.deps.bus.publish([
          ...broken.map(([, envelope]) => ({ topic, key, value: JSON.stringify(envelope) })),
          ...accepted.map((event) => ({ topic, key, value: JSON.stringify(event) })),
        ]);

        for (const event of accepted) assert.equal((await runner.settled(event.id)).outcome, 'processed');
        assert.deepEqual(seen, ['offset', 'skew', 'lower case']);
        const letters = await dlq.waitFor(broken.length);
        assert.equal(letters.length, broken.length);
        for (const [index, [label, envelope, error]] of broken.entries()) {
          const letter = letters[index]!;
          assert.equal(letter.value, JSON.stringify(envelope), label);
          assert.equal(letter.headers[DLQ_HEADERS.reason], 'invalid', label);
          assert.match(letter.headers[DLQ_HEADERS.error]!, error, label);
        }
      } finally {
        await dlq.stop();
      }
    });

    it('dead-letters a tombstone with its null value, not an empty string', async () => {
      const { runner, topic } = await startRunner();
      const dlq = await collectMessages(app.deps.bus, runner.deadLetterTopic, () => true);
      try {
        const key = randomUUID();
        const next = foreignEvent('test.noted', key, { note: 'after the tombstone' });
        await app.deps.bus.publish([
          { topic, key, value: null },
          { topic, key, value: JSON.stringify(next) },
        ]);
        assert.equal((await runner.settled(next.id)).outcome, 'processed');
        const [letter] = await dlq.waitFor(1);
        assert.equal(letter!.value, null);
        assert.equal(letter!.key, key);
        assert.equal(letter!.headers[DLQ_HEADERS.reason], 'malformed');
        assert.match(letter!.headers[DLQ_HEADERS.error]!, /tombstone/);
      } finally {
        await dlq.stop();
      }
    });

    it('counts an unknown type and warns with the type once, while types of other consumers pass quietly', async () => {
      const { logger, lines } = captureLogs();
      const { runner, topic } = await startRunner({ logger, ignores: ['test.elsewhere'] });
      const unknownBefore = await outcomeCount(app, runner.name, 'unknown_type');
      const subject = randomUUID();
      const misspelt = [foreignEvent('test.notted', subject, { note: 'x' }), foreignEvent('test.notted', subject, { note: 'y' })];
      const elsewhere = foreignEvent('test.elsewhere', subject, {});
      const good = foreignEvent('test.noted', subject, { note: 'fine' });
      await publishEvents(app.deps.bus, topic, [...misspelt, elsewhere, good]);

      assert.equal((await runner.settled(good.id)).outcome, 'processed');
      for (const event of [...misspelt, elsewhere]) assert.equal((await runner.settled(event.id)).outcome, 'ignored');
      assert.equal((await outcomeCount(app, runner.name, 'unknown_type')) - unknownBefore, 2);
      const warnings = lines.filter((line) => line.level === 40 && line.type === 'test.notted');
      assert.equal(warnings.length, 1, 'one warning per type and minute');
      assert.match(warnings[0]!.msg, /unknown event type "test\.notted"/);
      assert.equal(lines.filter((line) => line.level >= 40 && line.type === 'test.elsewhere').length, 0);
    });
  });
}

async function outcomeCount(app: TestApp, consumer: string, outcome: string): Promise<number> {
  const metric = await app.deps.metrics.registry.getSingleMetric('kafka_consumer_messages_total')?.get();
  return metric?.values.find((value) => value.labels.consumer === consumer && value.labels.outcome === outcome)?.value ?? 0;
}
