import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lifecycle } from '../../src/lifecycle.js';
import { createLogger } from '../../src/logger.js';
import { eventInput, startTestApp, uniqueUser } from '../support/app.js';

describe('app lifecycle', () => {
  it('stops what started, in reverse order, when a later component fails to start', async () => {
    const life = new Lifecycle(createLogger('silent'));
    const stopped: string[] = [];
    await life.start('store', () => 'connection', (connection) => void stopped.push(`store:${connection}`));
    await life.start('relay', () => undefined, () => void stopped.push('relay'));
    await assert.rejects(
      life.start('feed', () => {
        throw new Error('broker unreachable');
      }),
      /broker unreachable/,
    );
    assert.deepEqual(stopped, ['relay', 'store:connection']);
    await life.stop();
    assert.deepEqual(stopped, ['relay', 'store:connection'], 'a second stop changes nothing');
  });

  it('keeps stopping the others when one component fails to stop', async () => {
    const life = new Lifecycle(createLogger('silent'));
    const stopped: string[] = [];
    await life.start('first', () => undefined, () => void stopped.push('first'));
    await life.start('second', () => undefined, () => {
      throw new Error('stuck');
    });
    await life.start('third', () => undefined, () => void stopped.push('third'));
    await life.stop();
    assert.deepEqual(stopped, ['third', 'first']);
  });

  it('gives each app its own metrics, so two apps in one process never share counters', async () => {
    const [a, b] = await Promise.all([startTestApp({ mode: 'embedded' }), startTestApp({ mode: 'embedded' })]);
    try {
      const created = await a.gql('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput() }, uniqueUser('host'));
      assert.equal(created.errors, undefined);
      const counter = async (url: string) => {
        const text = await (await fetch(new URL('/metrics', url))).text();
        return Number(/^events_created_total (\d+)/m.exec(text)?.[1]);
      };
      assert.equal(await counter(a.url), 1);
      assert.equal(await counter(b.url), 0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
