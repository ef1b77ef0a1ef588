import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { endAtTurnEnd } from '../../src/http/turn-end-writes.js';

describe('answers written together at the end of the event-loop turn', () => {
  it('gives each of many concurrent requests its own answer', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      endAtTurnEnd(res, `answer to ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const paths = Array.from({ length: 40 }, (_, i) => `/request-${i}`);
      const bodies = await Promise.all(paths.map(async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).text()));
      assert.deepEqual(bodies, paths.map((path) => `answer to ${path}`));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('still writes the rest of the batch when one answer cannot be written, and ends that one', async () => {
    const destroyed: Error[] = [];
    const broken = {
      end: () => {
        throw new Error('socket gone');
      },
      destroy: (error: Error) => destroyed.push(error),
    } as unknown as ServerResponse;
    const written = new Promise<string>((resolve) => {
      endAtTurnEnd(broken, 'lost');
      endAtTurnEnd({ end: (body: string) => resolve(body) } as unknown as ServerResponse, 'delivered');
    });
    assert.equal(await written, 'delivered');
    assert.deepEqual(destroyed.map((error) => error.message), ['socket gone']);
  });
});
