import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConsumerRunner, type ConsumerDefinition, type ConsumerRunnerOptions } from '../../src/consumers/consumer-runner.js';
import { on } from '../../src/consumers/event-handler.js';
import type { MessageBus } from '../../src/datasources/message-bus.js';
import type { Logger } from '../../src/logger.js';
import { after, afterEach, before } from 'node:test';
import { startTestApp, type StoreMode, type TestApp } from './app.js';

export const TEST_MAX_ATTEMPTS = 3;

export interface TestRunnerOptions extends Partial<ConsumerRunnerOptions> {
  /** Another bus than the app's (e.g. one that fails dead-letter publishes). */
  bus?: MessageBus;
  logger?: Logger;
  ignores?: ConsumerDefinition['ignores'];
}

/**
 * A consumer runner on a topic of its own with three handlers: `test.noted` (data
 * `{ note: string }`, records the note), `test.broken` (always throws) and `test.flaky`
 * (throws `failures` times). Counts handler calls per subject.
 */
export async function startTestRunner(app: TestApp, options: TestRunnerOptions = {}) {
  const { bus = app.deps.bus, logger = app.deps.logger, ignores, ...runnerOptions } = options;
  const topic = `test-runner-${randomUUID()}`;
  const calls = new Map<string, number>();
  const seen: string[] = [];
  const count = (subject: string) => calls.set(subject, (calls.get(subject) ?? 0) + 1);
  const runner = new ConsumerRunner(
    {
      bus,
      store: app.deps.store,
      logger,
      onOutcome: (consumer, topic, outcome) => app.deps.metrics.consumerMessages.inc({ consumer, topic, outcome }),
    },
    {
      name: `runner-${randomUUID().slice(0, 8)}`,
      topic,
      groupId: `test-group-${randomUUID()}`,
      ...(ignores ? { ignores } : {}),
      handlers: {
        'test.noted': on(z.object({ note: z.string() }), async (event) => {
          count(event.subject);
          seen.push(event.data.note);
        }),
        'test.broken': on(z.object({}), async (event) => {
          count(event.subject);
          throw new Error(`broken handler for ${event.subject}`);
        }),
        'test.flaky': on(z.object({ failures: z.number() }), async (event) => {
          const made = count(event.subject).get(event.subject) ?? 0;
          if (made <= event.data.failures) throw new Error(`flaky failure ${made}`);
        }),
      },
    },
    { maxAttempts: TEST_MAX_ATTEMPTS, retryDelayMs: 20, fromBeginning: true, ...runnerOptions },
  );
  await runner.start();
  return { runner, topic, calls, seen };
}

/**
 * For a suite of runner tests: one app (started before, stopped after) and the runners
 * its tests start, each stopped after its test.
 */
export function runnerSuite(mode: StoreMode, env: Record<string, string> = {}) {
  const runners: ConsumerRunner[] = [];
  let app: TestApp | undefined;
  before(async () => {
    app = await startTestApp({ mode, env });
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });
  after(() => app?.stop());
  return {
    get app(): TestApp {
      if (!app) throw new Error('the suite app is not started yet');
      return app;
    },
    async startRunner(options: TestRunnerOptions = {}) {
      const started = await startTestRunner(this.app, options);
      runners.push(started.runner);
      return started;
    },
  };
}
