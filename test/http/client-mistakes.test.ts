import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';

const run = promisify(execFile);

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Complete HTTP/1.1 responses at the start of `text` (bodies with content-length). */
function responsesIn(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = text;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return responses;
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headEnd + 4;
    if (Buffer.byteLength(rest.slice(bodyStart)) < length) return responses;
    responses.push({ status: Number(statusLine?.split(' ')[1]), headers, body: rest.slice(bodyStart, bodyStart + length) });
    rest = rest.slice(bodyStart + length);
  }
}

/**
 * Writes `requests` on one connection; resolves with the responses once `expected` of
 * them arrived or the server closed the connection.
 */
function exchange(port: number, requests: string[], expected: number): Promise<{ responses: RawResponse[]; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const deadline = setTimeout(() => {
      socket.destroy();
      reject(new Error(`neither ${expected} responses nor a close; received ${JSON.stringify(text)}`));
    }, 10_000);
    const finish = (closedByServer: boolean) => {
      clearTimeout(deadline);
      socket.destroy();
      resolve({ responses: responsesIn(text), closedByServer });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (responsesIn(text).length >= expected) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      for (const request of requests) socket.write(request);
    });
  });
}

function post(body: string, headers: Record<string, string> = {}) {
  const head = Object.entries({ host: 'localhost', 'content-type': 'application/json', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST /graphql HTTP/1.1\r\n${head.join('')}\r\n${body}`;
}

function chunked(body: string) {
  return `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}


describe('client mistakes are answered with 4xx', () => {
  let app: TestApp;
  const logs: Record<string, unknown>[] = [];
  before(async () => {
    app = await startTestApp({ mode: 'embedded', logs, env: { HTTP_BODY_LIMIT_BYTES: '2000', GRAPHQL_MAX_REPRESENTATIONS: '6', LOG_LEVEL: 'info' } });
  });
  after(() => app?.stop());

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const result = await app.gql('{ events { edges ');
    assert.equal(result.status, 400);
    assert.equal(result.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
  });

  it('answers a declared body over the limit with 413 and closes the connection, so the next request is not misread', async () => {
    const small = JSON.stringify({ query: '{ categories { id } }' });
    const large = JSON.stringify({ query: '{ categories { id } }', variables: { padding: 'x'.repeat(5_000) } });
    const { responses, closedByServer } = await exchange(app.server.port, [post(large, { 'content-length': String(large.length) }), post(small, { 'content-length': String(small.length) })], 2);
    assert.deepEqual(responses.map((response) => [response.status, response.headers.connection]), [[413, 'close']]);
    assert.equal(JSON.parse(responses[0]!.body).errors[0].extensions.code, 'BAD_REQUEST');
    assert.equal(closedByServer, true);
  });

  it('gets the 413 to a client still sending a body far over the limit, instead of resetting the connection under it', async () => {
    // The client runs in a process of its own, so the server cannot read its bytes as fast as it writes them.
    const client = `
      const socket = require('node:net').connect(${app.server.port}, '127.0.0.1', () => {
        const body = 'x'.repeat(2_000_000);
        socket.write('POST /graphql HTTP/1.1\\r\\nhost: localhost\\r\\ncontent-type: application/json\\r\\ncontent-length: ' + body.length + '\\r\\n\\r\\n');
        socket.write(body);
      });
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => process.stdout.write(received.split('\\r\\n')[0] || '(nothing: the connection was reset)'));
    `;
    for (let attempt = 0; attempt < 5; attempt++) {
      const { stdout } = await run(process.execPath, ['-e', client]);
      assert.equal(stdout, 'HTTP/1.1 413 Payload Too Large', `attempt ${attempt + 1}`);
    }
  });

  it('does the same for a chunked body that grows past the limit', async () => {
    const small = JSON.stringify({ query: '{ categories { id } }' });
    const large = JSON.stringify({ query: '{ categories { id } }', variables: { padding: 'x'.repeat(5_000) } });
    const { responses, closedByServer } = await exchange(app.server.port, [post(chunked(large), { 'transfer-encoding': 'chunked' }), post(small, { 'content-length': String(small.length) })], 2);
    assert.deepEqual(responses.map((response) => [response.status, response.headers.connection]), [[413, 'close']]);
    assert.equal(closedByServer, true);
  });

  it('keeps serving a keep-alive connection after requests within the limit', async () => {
    const small = JSON.stringify({ query: '{ categories { id } }' });
    const { responses, closedByServer } = await exchange(app.server.port, [post(small, { 'content-length': String(small.length) }), post(small, { 'content-length': String(small.length) })], 2);
    assert.deepEqual(responses.map((response) => response.status), [200, 200]);
    assert.equal(closedByServer, false);
  });

  it('answers _entities with a null, malformed or unknown representation with BAD_USER_INPUT naming it, and resolves the rest', async () => {
    const eventId = await createEvent(app, uniqueUser('host'));
    const before = logs.length;
    const result = await app.gql<{ _entities: ({ id: string } | null)[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Event { id } ... on User { id } } }',
      {
        r: [
          { __typename: 'Event', id: null },
          { __typename: 'Event', id: { $ne: null } },
          { __typename: 'Planet', id: 'earth' },
          { __typename: 'Event', id: eventId },
          { __typename: 'User', id: '' },
          'Event',
        ],
      },
    );
    assert.equal(result.status, 200);
    assert.deepEqual(result.data?._entities, [null, null, null, { id: eventId }, null, null]);
    assert.deepEqual(
      result.errors?.map((error) => [error.path?.join('.'), error.extensions?.code, error.extensions?.field]),
      [
        ['_entities.0', 'BAD_USER_INPUT', 'representations[0].id'],
        ['_entities.1', 'BAD_USER_INPUT', 'representations[1].id'],
        ['_entities.2', 'BAD_USER_INPUT', 'representations[2].__typename'],
        ['_entities.4', 'BAD_USER_INPUT', 'representations[4].id'],
        ['_entities.5', 'BAD_USER_INPUT', 'representations[5]'],
      ],
    );
    assert.match(result.errors![2]!.message, /representations\[2\]\.__typename must be one of Event, Post, User/);
    // Client mistakes: nothing logged as an error, no stack trace anywhere.
    assert.deepEqual(logs.slice(before).filter((line) => line.level === 'error' || JSON.stringify(line).includes('stack')), []);
  });

  it('refuses more _entities representations than configured in one request', async () => {
    const result = await app.gql('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', {
      r: Array.from({ length: 7 }, (_, i) => ({ __typename: 'Event', id: `e${i}` })),
    });
    assert.deepEqual(result.errors?.map((error) => [error.extensions?.code, error.extensions?.field]), [['BAD_USER_INPUT', 'representations']]);
    assert.equal(result.data?._entities, undefined);
  });
});
