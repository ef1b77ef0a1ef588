import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { composeSupergraph } from '../../scripts/supergraph.js';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { startUsersSubgraph } from '../support/users-subgraph.js';

interface GatewayContext {
  authorization?: string;
}

describe('federation through a gateway (real stores)', () => {
  let app: TestApp;
  let users: Awaited<ReturnType<typeof startUsersSubgraph>>;
  let gateway: ApolloServer<GatewayContext>;
  const host = uniqueUser('host');
  const cohost = uniqueUser('cohost');

  before(async () => {
    app = await startTestApp({ mode: 'real' });
    users = await startUsersSubgraph({ [host]: 'Ada Lovelace', [cohost]: 'Grace Hopper' });
    const supergraphSdl = composeSupergraph({ events: app.url, users: users.url });
    gateway = new ApolloServer<GatewayContext>({
      gateway: new ApolloGateway({
        supergraphSdl,
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource<GatewayContext>({
            url,
            willSendRequest({ request, context }) {
              if (context.authorization) request.http?.headers.set('authorization', context.authorization);
            },
          }),
      }),
    });
    await gateway.start();
  });

  after(async () => {
    await gateway?.stop();
    await users?.stop();
    await app?.stop();
  });

  async function query<T>(source: string, variables: Record<string, unknown>, userId?: string) {
    const authorization = userId ? `Bearer ${await app.token(userId)}` : undefined;
    const response = await gateway.executeOperation({ query: source, variables }, { contextValue: { authorization } });
    assert.equal(response.body.kind, 'single');
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    // The gateway builds null-prototype objects; compare plain JSON as a client would see it.
    return JSON.parse(JSON.stringify(response.body.singleResult)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  }

  it('joins host and co-host names from the users subgraph', async () => {
    const created = await app.gql<{ createEvent: { id: string } }>(
      'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
      { input: eventInput({ title: 'Federated picnic' }) },
      host,
    );
    const id = created.data!.createEvent.id;
    await app.gql('mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: id, u: cohost }, host);

    const result = await query<{ event: { title: string; host: { id: string; name: string }; coHosts: { name: string }[] } }>(
      'query($id: ID!) { event(id: $id) { title host { id name } coHosts { name } } }',
      { id },
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(result.data?.event, { title: 'Federated picnic', host: { id: host, name: 'Ada Lovelace' }, coHosts: [{ name: 'Grace Hopper' }] });
  });

  it('resolves User.hostedEvents from a user the users subgraph returns, with privacy applied', async () => {
    await app.gql('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput({ title: 'Secret', privacy: 'PRIVATE' }) }, host);
    const QUERY = 'query($id: ID!) { user(id: $id) { name hostedEvents { edges { node { title } } } } }';
    type Result = { user: { name: string; hostedEvents: { edges: { node: { title: string } }[] } } };
    const asStranger = await query<Result>(QUERY, { id: host });
    assert.equal(asStranger.errors, undefined, JSON.stringify(asStranger.errors));
    assert.equal(asStranger.data?.user.name, 'Ada Lovelace');
    assert.deepEqual(asStranger.data?.user.hostedEvents.edges.map((edge) => edge.node.title), ['Federated picnic']);
    const asHost = await query<Result>(QUERY, { id: host }, host);
    assert.deepEqual(asHost.data?.user.hostedEvents.edges.map((edge) => edge.node.title).sort(), ['Federated picnic', 'Secret']);
  });
});
