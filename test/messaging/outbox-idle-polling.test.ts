import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PendingDocument } from '../../src/datasources/outbox-store.js';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';

const POLL_MS = 5;

interface Pass {
  at: number;
  found: readonly PendingDocument[];
}

/**
 * On FerretDB every poll reads every document of the outbox collections: an idle relay
 * must poll less and less often, and a write carrying domain events must bring it back.
 */
describe('the outbox relay when idle (FerretDB)', () => {
  let app: TestApp;
  const passes: Pass[] = [];
  let onPass: (() => void) | null = null;
  /** Until `ready` holds for the passes seen so far. */
  const passesUntil = (ready: (seen: readonly Pass[]) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!ready(passes)) return;
        onPass = null;
        resolve();
      };
      onPass = check;
      check();
    });

  before(async () => {
    app = await startTestApp({ mode: 'real', env: { OUTBOX_POLL_MS: String(POLL_MS), OUTBOX_IDLE_POLL_MAX_MS: '3600000' } });
    const { outbox } = app.deps;
    const pending = outbox.pending.bind(outbox);
    // Passes read the events collection first; one record per pass.
    outbox.pending = async (collection, limit) => {
      const found = await pending(collection, limit);
      if (collection === 'events') {
        passes.push({ at: performance.now(), found });
        onPass?.();
      }
      return found;
    };
  });
  after(() => app.stop());

  it('doubles its wait after each pass that found nothing, and looks at once after a write with domain events', async () => {
    const createEvent = async () =>
      (
        await app.gql<{ createEvent: { id: string } }>(
          'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
          { input: eventInput() },
          uniqueUser('host'),
        )
      ).data!.createEvent.id;
    const foundAt = (id: string) => passes.findIndex((pass) => pass.found.some((doc) => doc._id === id));

    // A write brings the relay back to its shortest wait, whatever it waited before.
    const first = await createEvent();
    await passesUntil(() => foundAt(first) >= 0);
    const start = foundAt(first);
    // Then the passes find nothing, and the wait doubles: POLL_MS × 2^(n-1) after the nth.
    await passesUntil((seen) => seen.length - 1 - start >= 12 && seen.slice(start + 1).every((pass) => pass.found.length === 0));
    const [eleventh, twelfth] = passes.slice(start + 11, start + 13);
    assert.ok(twelfth!.at - eleventh!.at >= POLL_MS * 2 ** 10, `waited ${Math.round(twelfth!.at - eleventh!.at)} ms between the 11th and 12th idle passes`);

    // The wait after the 12th is POLL_MS × 2^11 = 10.2 s: a new event leaves long before it.
    const second = await createEvent();
    const written = performance.now();
    await passesUntil(() => foundAt(second) >= 0);
    const found = passes[foundAt(second)]!;
    assert.ok(found.at - written < 3_000, `the new event was found ${Math.round(found.at - written)} ms after its write`);
  });
});
