import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { eventInput, startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { collectEvents } from '../support/messages.js';

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`event.post.created reaches the events topic through the post's outbox (${mode})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode });
    });
    after(() => app.stop());

    it('publishes one CloudEvent per post, keyed by the event id, and clears the outbox', async () => {
      const host = uniqueUser('host');
      const guest = uniqueUser('guest');
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput() },
        host,
      );
      const eventId = created.data!.createEvent.id;
      const collector = await collectEvents(app.deps.bus, TOPICS.events, eventId);
      try {
        const postIds: string[] = [];
        for (const [author, body] of [[guest, 'First'], [host, 'Second']] as const) {
          const result = await app.gql<{ createPost: { id: string } }>(
            'mutation($e: ID!, $b: String!) { createPost(eventId: $e, body: $b) { id } }',
            { e: eventId, b: body },
            author,
          );
          assert.equal(result.errors, undefined, JSON.stringify(result.errors));
          postIds.push(result.data!.createPost.id);
        }
        const received = (await collector.waitFor(3)).filter((message) => message.event.type === 'event.post.created');
        assert.equal(received.length, 2);
        assert.deepEqual(
          received.map((message) => message.event.data),
          [
            { eventId, postId: postIds[0], authorId: guest },
            { eventId, postId: postIds[1], authorId: host },
          ],
        );
        for (const { key, event } of received) {
          assert.equal(key, eventId);
          assert.equal(event.subject, eventId);
          assert.equal(event.specversion, '1.0');
          assert.equal(event.source, app.config.eventSource);
          assert.equal(event.datacontenttype, 'application/json');
        }
      } finally {
        await collector.stop();
      }
      await app.deps.relay.flush();
      assert.equal(await app.deps.store.collection('posts').count({ eventId, outboxCount: { $gt: 0 } }), 0);
    });

    it('still publishes event.post.created for a post deleted before the relay ran, then removes it', async () => {
      const host = uniqueUser('host');
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput() },
        host,
      );
      const eventId = created.data!.createEvent.id;
      await app.deps.relay.stop();
      const posted = await app.gql<{ createPost: { id: string } }>(
        'mutation($e: ID!, $b: String!) { createPost(eventId: $e, body: $b) { id } }',
        { e: eventId, b: 'Oops' },
        host,
      );
      const postId = posted.data!.createPost.id;
      const deleted = await app.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: postId }, host);
      assert.equal(deleted.errors, undefined, JSON.stringify(deleted.errors));
      assert.equal(await app.deps.store.collection('posts').count({ _id: postId, deleted: true }), 1, 'kept until published');
      const collector = await collectEvents(app.deps.bus, TOPICS.events, eventId);
      try {
        app.deps.relay.start();
        const received = await collector.waitFor(2);
        assert.deepEqual(
          received.map((message) => message.event.type),
          ['event.created', 'event.post.created'],
        );
      } finally {
        await collector.stop();
      }
      await app.deps.relay.flush();
      assert.equal(await app.deps.store.collection('posts').count({ _id: postId }), 0);
    });
  });
}
