import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedQueue } from '../../src/concurrency/keyed-queue.js';

/** A task that records when it starts and ends, and ends when told to. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open: () => open(),
    work: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
      return name;
    },
  };
}

describe('KeyedQueue', () => {
  it('runs the tasks of one key one at a time in arrival order, and other keys alongside', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const [a, b, other] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'other')];
    const results = [queue.run('k', a.work), queue.run('k', b.work), queue.run('j', other.work)];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['start a', 'start other']);
    b.open();
    other.open();
    a.open();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'other']);
    assert.deepEqual(log.filter((line) => !line.includes('other')), ['start a', 'end a', 'start b', 'end b']);
  });

  it('starts a task asked to go ahead right after the running one, before those waiting', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const [running, waiting, ahead] = [gate(log, 'running'), gate(log, 'waiting'), gate(log, 'ahead')];
    const results = [queue.run('k', running.work), queue.run('k', waiting.work), queue.run('k', ahead.work, { ahead: true })];
    waiting.open();
    ahead.open();
    running.open();
    await Promise.all(results);
    assert.deepEqual(log, ['start running', 'end running', 'start ahead', 'end ahead', 'start waiting', 'end waiting']);
  });

  it('goes on with the next task after one fails, and hands the failure to its caller only', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('k', async () => {
      throw new Error('boom');
    });
    const next = queue.run('k', async () => 'next');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'next');
  });
});
