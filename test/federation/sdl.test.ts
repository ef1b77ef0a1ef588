import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.js';

const SNAPSHOT = new URL('./subgraph.snapshot.graphql', import.meta.url);

describe('subgraph SDL', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'embedded' });
  });
  after(() => app.stop());

  it('serves the SDL the router composes, unchanged unless the snapshot is updated on purpose', async () => {
    const result = await app.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = result.data!._service.sdl;
    assert.match(sdl, /type Event\s+@key\(fields: "id"\)/);
    assert.match(sdl, /type User\s+@key\(fields: "id"\)/);
    // UPDATE_SNAPSHOTS=1 npm test rewrites the snapshot after a deliberate schema change.
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, sdl);
    assert.equal(sdl, readFileSync(SNAPSHOT, 'utf8'));
  });
});
