import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import neo4j, { type Driver } from 'neo4j-driver';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { collectEvents, contractEvent, publishEvents } from '../support/messages.js';
import { requireEnv } from '../support/env.js';
import { UserDeleted } from '../../src/domain/messaging/consumed-messages.js';

/**
 * `user.deleted` and the user's last `event.rsvp` travel on different topics, so the RSVP
 * projection may process the answer after the deletion removed the user's node.
 */
describe('a user deleted right after answering leaves nothing in Neo4j (real)', () => {
  let app: TestApp;
  let driver: Driver;

  before(async () => {
    app = await startTestApp({ mode: 'real', env: { CONSUMERS_ENABLED: 'true', CONSUMER_RETRY_DELAY_MS: '20' } });
    await Promise.all([app.deps.consumers.friendships.stop(), app.deps.consumers.cancellations.stop()]);
    driver = neo4j.driver(requireEnv('NEO4J_URL'));
  });
  after(async () => {
    await driver?.close();
    await app?.stop();
  });

  async function userNodes(userId: string): Promise<number> {
    const { records } = await driver.executeQuery('MATCH (u:User {id: $userId}) RETURN count(u) AS nodes', { userId });
    return Number(records[0]?.get('nodes'));
  }

  it('when the answer is projected after the deletion', async () => {
    const host = uniqueUser('host');
    const leaving = uniqueUser('leaving');
    const rsvpGraph = app.deps.consumers.rsvpGraph;
    const created = await app.gql<{ createEvent: { id: string } }>(
      'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
      { input: eventInput() },
      host,
    );
    const eventId = created.data!.createEvent.id;
    const published = await collectEvents(app.deps.bus, TOPICS.events, eventId);
    try {
      // The projection commits its position on the event's partition, then pauses.
      const [eventCreated] = await published.waitFor(1);
      await rsvpGraph.settled(eventCreated!.event.id, 30_000);
      await rsvpGraph.stop();

      const answered = await app.gql('mutation($e: ID!) { rsvp(eventId: $e, status: GOING) { status } }', { e: eventId }, leaving);
      assert.equal(answered.errors, undefined);
      const answer = (await published.waitFor(2)).find(({ event }) => event.type === 'event.rsvp')!.event;

      const deleted = contractEvent(UserDeleted, leaving, { id: leaving });
      await publishEvents(app.deps.bus, TOPICS.users, [deleted]);
      assert.equal((await app.deps.consumers.users.settled(deleted.id, 30_000)).outcome, 'processed');
      // The cleanup withdrew the answer: a second event.rsvp, without a status.
      const withdrawal = (await published.waitFor(3)).filter(({ event }) => event.type === 'event.rsvp')[1]!.event;

      await rsvpGraph.start();
      assert.equal((await rsvpGraph.settled(answer.id, 30_000)).outcome, 'processed');
      assert.equal((await rsvpGraph.settled(withdrawal.id, 30_000)).outcome, 'processed');
      assert.equal(await userNodes(leaving), 0);
    } finally {
      await published.stop();
    }
  });
});
