import assert from 'node:assert/strict';
import type { Update } from '../../src/datasources/documents.js';
import type { OutboxFields } from '../../src/datasources/outbox.js';
import type { EventRecord } from '../../src/domain/events/model.js';
import { eventInput, type TestApp } from './app.js';

/** Seed builders over the public API, so tests read as the product is used. */
export async function createEvent(app: TestApp, host: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const result = await app.gql<{ createEvent: { id: string } }>(
    'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
    { input: eventInput(overrides) },
    host,
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!.createEvent.id;
}

export interface RsvpView {
  status: string;
  waitlisted: boolean;
  waitlistPosition: number | null;
}

export async function answer(app: TestApp, eventId: string, userId: string, status: string) {
  return app.gql<{ rsvp: RsvpView }>(
    'mutation($e: ID!, $s: RsvpStatus!) { rsvp(eventId: $e, status: $s) { status waitlisted waitlistPosition } }',
    { e: eventId, s: status },
    userId,
  );
}

export async function statsOf(app: TestApp, eventId: string, viewer?: string) {
  const result = await app.gql<{ event: { stats: Record<string, number> } | null }>(
    'query($id: ID!) { event(id: $id) { stats { going interested maybe notGoing waitlisted } } }',
    { id: eventId },
    viewer,
  );
  return result.data?.event?.stats;
}

/** Changes an event straight in the store, past the service's rules: set-up for states the API refuses to create. */
export async function overwriteEvent(app: TestApp, eventId: string, update: Update): Promise<void> {
  const { matched } = await app.deps.store.collection('events').updateOne({ _id: eventId }, update);
  assert.equal(matched, 1, `event ${eventId} is not in the store`);
}

/** The event document as stored, outbox included. */
export function storedEvent(app: TestApp, eventId: string): Promise<(EventRecord & OutboxFields) | null> {
  return app.deps.store.collection<EventRecord & OutboxFields>('events').findOne({ _id: eventId });
}
