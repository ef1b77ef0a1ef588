import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`users replica: importing users (${mode} store)`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode });
    });
    after(() => app.stop());

    it('writes users it does not know, leaves known users and tombstones alone, and reads many at once', async () => {
      const [known, deleted, fresh] = [uniqueUser('known'), uniqueUser('deleted'), uniqueUser('fresh')];
      const users = app.deps.users;
      await users.applyIfNotOlder(known, { name: 'Known', interests: ['jazz'] }, new Date());
      await users.applyIfNotOlder(deleted, { name: 'Deleted' }, new Date(Date.now() - 1_000));
      await users.applyDeletion(deleted, new Date());
      const imported = (id: string) => ({ _id: id, name: 'Imported', birthday: '1990-02-03', location: { latitude: 1, longitude: 2 }, interests: ['yoga'], updatedAt: new Date('2000-01-01T00:00:00Z') });
      assert.equal(await users.importNew([imported(known), imported(deleted), imported(fresh)]), 1);
      assert.equal((await users.findById(known))?.name, 'Known');
      assert.equal(await users.findById(deleted), null);
      const many = await users.findByIds([fresh, known, deleted, uniqueUser('nobody')]);
      assert.deepEqual(many.map((user) => user._id).sort(), [fresh, known].sort());
      assert.deepEqual(many.find((user) => user._id === fresh), imported(fresh));
      // A later users-topic update still applies to an imported user.
      assert.equal(await users.applyIfNotOlder(fresh, { name: 'Updated' }, new Date()), true);
      assert.equal((await users.findById(fresh))?.name, 'Updated');
    });
  });
}
