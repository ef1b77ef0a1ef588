import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventInput, startTestApp, uniqueUser, type GqlError, type TestApp } from '../support/app.js';
import { ProtocolSocket, type GqlErrorLike } from '../support/ws-client.js';

const ROUTER_SECRET = 'router-secret-for-parity-0123456789';

/** Each kind of operation HTTP refuses, with the code and (part of the) message it refuses it with. */
const REFUSED: { name: string; query: string; variables?: Record<string, unknown>; code: string; message?: RegExp; status: number }[] = [
  { name: 'a syntax error', query: '{ events { edges ', code: 'GRAPHQL_PARSE_FAILED', message: /Syntax Error/, status: 400 },
  { name: 'too many tokens', query: `{ categories { ${'id '.repeat(300)} } }`, code: 'GRAPHQL_PARSE_FAILED', message: /tokens/, status: 400 },
  {
    name: 'a query deeper than the limit',
    query: '{ events { edges { node { attendees { edges { node { rsvps { edges { node { status } } } } } } } } } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /depth/i,
    status: 400,
  },
  { name: 'too many aliases', query: '{ a: categories { id } b: categories { id } c: categories { id } d: categories { id } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /aliases/i, status: 400 },
  { name: 'a query over the cost limit', query: '{ events { edges { node { id title description tags startsAt endsAt timeZone host { id } coHosts { id } } } } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /cost/i, status: 400 },
  { name: 'too many directives', query: '{ categories @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) { id } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /directives/i, status: 400 },
  { name: 'introspection', query: '{ __schema { types { name } } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /introspection/, status: 400 },
  { name: 'introspection through an alias', query: '{ s: __schema { queryType { name } } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /introspection/, status: 400 },
  { name: 'introspection through a fragment', query: 'query { ...T } fragment T on Query { t: __type(name: "Event") { name } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /introspection/, status: 400 },
  { name: 'a misspelt field', query: '{ categorie { id } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /Cannot query field "categorie"/, status: 400 },
  { name: 'a misspelt argument', query: '{ events(frist: 1) { totalCount } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /Unknown argument "frist"/, status: 400 },
  { name: 'a misspelt type', query: 'query($f: EventFiltr) { events(filter: $f) { totalCount } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /Unknown type "EventFiltr"/, status: 400 },
  { name: 'a misspelt enum value', query: '{ myEvents(role: HOTS) { totalCount } }', code: 'GRAPHQL_VALIDATION_FAILED', message: /HOTS/, status: 400 },
  { name: 'a misspelt enum value in a variable', query: 'query($r: MyEventRole) { myEvents(role: $r) { totalCount } }', variables: { r: 'HOTS' }, code: 'BAD_USER_INPUT', message: /HOTS/, status: 400 },
  { name: 'an operation it cannot pick', query: 'query A { categories { id } } query B { categories { name } }', code: 'OPERATION_RESOLUTION_FAILURE', status: 400 },
  { name: 'an anonymous call that needs a user', query: '{ myEvents { totalCount } }', code: 'UNAUTHENTICATED', status: 200 },
];

function codesOf(errors: (GqlError | GqlErrorLike)[] | null | undefined) {
  return (errors ?? []).map((error) => error.extensions?.code);
}

describe('one pipeline for HTTP and WebSocket (production, router secret set)', () => {
  let app: TestApp;
  const logs: Record<string, unknown>[] = [];
  let socket: ProtocolSocket;

  before(async () => {
    app = await startTestApp({
      mode: 'embedded',
      logs,
      env: {
        NODE_ENV: 'production',
        ALLOW_EMBEDDED: 'true',
        ROUTER_SECRET,
        LOG_LEVEL: 'warn',
        GRAPHQL_MAX_DEPTH: '6',
        GRAPHQL_MAX_ALIASES: '3',
        GRAPHQL_MAX_COST: '50',
        GRAPHQL_MAX_TOKENS: '200',
        GRAPHQL_MAX_DIRECTIVES: '3',
        RATE_LIMIT_BROWSE_PER_HOUR: '3',
        RATE_LIMIT_CREATE_PER_HOUR: '1',
      },
    });
    socket = new ProtocolSocket(app.url, { headers: { 'router-authorization': ROUTER_SECRET } });
    await socket.acknowledged;
  });
  after(async () => {
    await socket?.close();
    await app?.stop();
  });

  const overHttp = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(app.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: GqlError[] } };
  };

  /** The errors of one operation over its own socket (as `user`), whether refused or failed in execution. */
  const overSocket = async (query: string, variables: Record<string, unknown> = {}, on: ProtocolSocket = socket) => {
    const outcome = await on.run(query, variables);
    return outcome.errors ?? outcome.results.flatMap((result) => result.errors ?? []);
  };

  for (const refused of REFUSED) {
    it(`refuses ${refused.name} the same way over both transports`, async () => {
      const http = await overHttp(refused.query, refused.variables);
      assert.equal(http.status, refused.status, JSON.stringify(http.body));
      assert.equal(http.body.errors?.[0]?.extensions?.code, refused.code, JSON.stringify(http.body));
      if (refused.message) assert.match(http.body.errors![0]!.message, refused.message);
      const ws = await overSocket(refused.query, refused.variables);
      assert.deepEqual(
        ws.map((error) => ({ message: error.message, code: error.extensions?.code })),
        http.body.errors!.map((error) => ({ message: error.message, code: error.extensions?.code })),
      );
      for (const error of [...ws, ...http.body.errors!]) {
        assert.doesNotMatch(error.message, /Did you mean/);
        assert.equal(error.extensions?.stacktrace, undefined);
      }
    });
  }

  it('runs queries and mutations sent over the socket under the same rules and rate limits as HTTP', async () => {
    const user = uniqueUser('both');
    const token = await app.token(user);
    const userSocket = new ProtocolSocket(app.url, { token, headers: { 'router-authorization': ROUTER_SECRET } });
    try {
      const invalid = await overSocket('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput({ title: ' ' }) }, userSocket);
      assert.deepEqual(invalid.map((error) => [error.extensions?.code, error.extensions?.field]), [['BAD_USER_INPUT', 'input.title']]);
      const created = await userSocket.run('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput() });
      assert.equal(created.errors, null);
      assert.equal(typeof (created.results[0]?.data as { createEvent: { id: string } }).createEvent.id, 'string');
      // The create bucket holds one per hour, whichever transport spent it.
      const http = await overHttp('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput() }, token);
      assert.deepEqual(codesOf(http.body.errors), ['RATE_LIMITED']);
      // Browsing: three per hour, shared by both transports.
      const browse = '{ myEvents { totalCount } }';
      assert.equal((await overHttp(browse, {}, token)).body.errors, undefined);
      assert.deepEqual(await overSocket(browse, {}, userSocket), []);
      assert.equal((await overHttp(browse, {}, token)).body.errors, undefined);
      const limited = await overSocket(browse, {}, userSocket);
      assert.deepEqual(codesOf(limited), ['RATE_LIMITED']);
      assert.ok(Number(limited[0]?.extensions?.retryAfter) > 0);
    } finally {
      await userSocket.close();
    }
  });

  it('masks an unexpected failure on both transports and logs it once each, with its cause', async () => {
    const categories = app.deps.categories;
    const original = categories.all.bind(categories);
    categories.all = () => Promise.reject(new Error('store exploded: secret detail'));
    try {
      const http = await overHttp('{ categories { id } }');
      const ws = await overSocket('{ categories { id } }');
      for (const errors of [http.body.errors ?? [], ws]) {
        assert.deepEqual(
          errors.map((error) => [error.message, error.extensions?.code]),
          [['Internal server error', 'INTERNAL_SERVER_ERROR']],
        );
      }
      const logged = logs.filter((line) => line.msg === 'unexpected error while resolving');
      assert.equal(logged.length, 2);
      for (const line of logged) assert.match(JSON.stringify(line.err), /secret detail/);
    } finally {
      categories.all = original;
    }
  });

  it('logs nothing for the client mistakes above', () => {
    assert.deepEqual(
      logs.filter((line) => line.msg !== 'unexpected error while resolving').map((line) => line.msg),
      [],
    );
  });
});
