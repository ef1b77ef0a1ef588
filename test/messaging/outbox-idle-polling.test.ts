import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PendingDocument } from '../../src/datasources/outbox-store.js';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';

const POLL_MS = 5;

interface Pass {
  at: number;
  kind: 'scan' | 'by id';
  found: readonly PendingDocument[];
}

/**
 * On FerretDB every scan for pending entries reads every document of the outbox
 * collections: an idle relay must scan less and less often, and a write carrying domain
 * events must still leave at once, read by its `_id`.
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
    const pendingAmong = outbox.pendingAmong.bind(outbox);
    const seen = (kind: Pass['kind'], found: PendingDocument[]) => {
      passes.push({ at: performance.now(), kind, found });
      onPass?.();
      return found;
    };
    // A scan reads the events collection first: one record per scan, and one per read of written events.
    outbox.pending = async (collection, limit) => {
      const found = await pending(collection, limit);
      return collection === 'events' ? seen('scan', found) : found;
    };
    outbox.pendingAmong = async (collection, ids) => {
      const found = await pendingAmong(collection, ids);
      return collection === 'events' ? seen('by id', found) : found;
    };
  });
  after(() => app.stop());

  it('doubles its wait after each scan that found nothing, and reads a document written with domain events by its _id at once', async () => {
    const createEvent = async () =>
      (
        await app.gql<{ createEvent: { id: string } }>(
          'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
          { input: eventInput() },
          uniqueUser('host'),
        )
      ).data!.createEvent.id;
    const foundAt = (id: string) => passes.findIndex((pass) => pass.found.some((doc) => doc._id === id));
    const scansAfter = (index: number) => passes.slice(index + 1).filter((pass) => pass.kind === 'scan');

    // Once two scans were half a second apart the next is a second away: no scan can beat
    // the read by _id to the first event.
    await passesUntil((seen) => {
      const scans = seen.filter((pass) => pass.kind === 'scan');
      return scans.length >= 2 && scans.at(-1)!.at - scans.at(-2)!.at >= 500;
    });
    const first = await createEvent();
    await passesUntil(() => foundAt(first) >= 0);
    assert.equal(passes[foundAt(first)]!.kind, 'by id');
    // A started relay scans at once; then the scans find nothing, and the wait doubles:
    // POLL_MS × 2^(n-1) after the nth.
    await app.deps.relay.stop();
    const start = passes.length - 1;
    app.deps.relay.start();
    await passesUntil(() => scansAfter(start).length >= 12);
    const scans = scansAfter(start);
    assert.ok(scans.every((scan) => scan.found.length === 0));
    const [eleventh, twelfth] = scans.slice(10, 12);
    assert.ok(twelfth!.at - eleventh!.at >= POLL_MS * 2 ** 10, `waited ${Math.round(twelfth!.at - eleventh!.at)} ms between the 11th and 12th empty scans`);

    // The wait after the 12th is POLL_MS × 2^11 = 10.2 s: a new event leaves long before it, read by its _id.
    const second = await createEvent();
    const written = performance.now();
    await passesUntil(() => foundAt(second) >= 0);
    const found = passes[foundAt(second)]!;
    assert.equal(found.kind, 'by id');
    assert.ok(found.at - written < 3_000, `the new event was found ${Math.round(found.at - written)} ms after its write`);
  });
});
