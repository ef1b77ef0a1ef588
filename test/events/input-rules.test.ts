import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventInput, startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';

const CREATE = 'mutation($input: CreateEventInput!) { createEvent(input: $input) { id timeZone } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { timeZone startsAt endsAt capacity } }';
const hours = (n: number) => new Date(Date.now() + n * 3600_000).toISOString();

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`input rules on every write (${mode} stores)`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode, env: { RATE_LIMIT_RSVP_PER_HOUR: '10000' } });
    });
    after(() => app?.stop());

    const fieldOf = (result: { errors?: { extensions?: { code?: string; field?: string } }[] }) =>
      [result.errors?.[0]?.extensions?.code, result.errors?.[0]?.extensions?.field];

    it('accepts every time zone the platform knows, links and aliases included, on create and update', async () => {
      const host = uniqueUser('host');
      for (const timeZone of ['UTC', 'Etc/UTC', 'Asia/Kolkata', 'Europe/Kyiv', 'Asia/Calcutta', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5']) {
        const created = await app.gql<{ createEvent: { id: string; timeZone: string } }>(CREATE, { input: eventInput({ timeZone }) }, host);
        assert.equal(created.errors, undefined, `${timeZone}: ${JSON.stringify(created.errors)}`);
        assert.equal(created.data?.createEvent.timeZone, timeZone);
      }
      const eventId = await createEvent(app, host);
      const updated = await app.gql<{ updateEvent: { timeZone: string } }>(UPDATE, { id: eventId, input: { timeZone: 'Europe/Kyiv' } }, host);
      assert.equal(updated.data?.updateEvent.timeZone, 'Europe/Kyiv');
      for (const timeZone of ['Mars/Olympus_Mons', '+05:30', 'Europe/Paris ', '']) {
        assert.deepEqual(fieldOf(await app.gql(CREATE, { input: eventInput({ timeZone }) }, host)), ['BAD_USER_INPUT', 'input.timeZone'], timeZone);
      }
    });

    it('applies createEvent’s schedule rules to updateEvent, changing nothing when refused', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      const cases: [Record<string, unknown>, string][] = [
        [{ startsAt: hours(-2) }, 'input.startsAt'],
        [{ startsAt: hours(-2), endsAt: hours(-1) }, 'input.startsAt'],
        [{ endsAt: hours(1) }, 'input.endsAt'],
        [{ startsAt: hours(40), endsAt: hours(30) }, 'input.endsAt'],
        [{ startsAt: hours(40) }, 'input.startsAt'],
      ];
      const before = await app.gql<{ event: unknown }>('query($id: ID!) { event(id: $id) { startsAt endsAt } }', { id: eventId });
      for (const [input, field] of cases) {
        assert.deepEqual(fieldOf(await app.gql(UPDATE, { id: eventId, input }, host)), ['BAD_USER_INPUT', field], JSON.stringify(input));
      }
      const unchanged = await app.gql<{ event: unknown }>('query($id: ID!) { event(id: $id) { startsAt endsAt } }', { id: eventId });
      assert.deepEqual(unchanged.data, before.data);
      const moved = await app.gql(UPDATE, { id: eventId, input: { startsAt: hours(48), endsAt: hours(50) } }, host);
      assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
    });

    it('refuses a capacity below the seats taken, limited or not, and accepts one that holds them', async () => {
      const host = uniqueUser('host');
      const limited = await createEvent(app, host, { capacity: 5 });
      const unlimited = await createEvent(app, host);
      for (const eventId of [limited, unlimited]) {
        for (let i = 0; i < 3; i++) assert.equal((await answer(app, eventId, uniqueUser('guest'), 'GOING')).errors, undefined);
        const refused = await app.gql(UPDATE, { id: eventId, input: { capacity: 2 } }, host);
        assert.deepEqual(fieldOf(refused), ['BAD_USER_INPUT', 'input.capacity']);
        assert.match(refused.errors![0]!.message, /at least 3/);
        const fits = await app.gql<{ updateEvent: { capacity: number } }>(UPDATE, { id: eventId, input: { capacity: 3 } }, host);
        assert.equal(fits.data?.updateEvent.capacity, 3);
        // Full now: the next GOING waits.
        const next = await answer(app, eventId, uniqueUser('late'), 'GOING');
        assert.equal(next.data?.rsvp.waitlisted, true);
      }
    });

    it('validates user ids: no empty or blank co-host, no empty check-in', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      for (const userId of ['', ' ', 'a b', 'x'.repeat(129)]) {
        const added = await app.gql('mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: userId }, host);
        assert.deepEqual(fieldOf(added), ['BAD_USER_INPUT', 'userId'], JSON.stringify(userId));
      }
      const removed = await app.gql('mutation($e: ID!, $u: ID!) { removeCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: '' }, host);
      assert.deepEqual(fieldOf(removed), ['BAD_USER_INPUT', 'userId']);
      const checked = await app.gql('mutation($e: ID!, $u: ID!) { checkIn(eventId: $e, userId: $u) { checkIn } }', { e: eventId, u: '' }, host);
      assert.deepEqual(fieldOf(checked), ['BAD_USER_INPUT', 'userId']);
      const coHosts = await app.gql<{ event: { coHosts: unknown[] } }>('query($id: ID!) { event(id: $id) { coHosts { id } } }', { id: eventId });
      assert.deepEqual(coHosts.data?.event.coHosts, []);
    });
  });
}
