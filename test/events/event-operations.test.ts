import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventInput, startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { befriend } from '../support/seed.js';

const EVENT_FIELDS = `
  id title description privacy status tags startsAt endsAt timeZone capacity isVirtual virtualLink
  host { id } coHosts { id } category { id name icon color }
  location { name address latitude longitude } price { amountMinor currency }
  stats { going interested maybe notGoing waitlisted views shares posts }
  cancellationReason createdAt updatedAt
`;

const CREATE = `mutation($input: CreateEventInput!) { createEvent(input: $input) { ${EVENT_FIELDS} } }`;
const GET = `query($id: ID!) { event(id: $id) { ${EVENT_FIELDS} } }`;

interface EventView {
  id: string;
  title: string;
  privacy: string;
  status: string;
  tags: string[];
  virtualLink: string | null;
  host: { id: string };
  coHosts: { id: string }[];
  category: { id: string; name: string } | null;
  cancellationReason: string | null;
  stats: Record<string, number>;
  capacity: number | null;
}

type ListResult = {
  events: { edges: { node: { title: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`events (${mode} stores)`, () => {
    let app: TestApp;
    before(async () => {
      // The category counts' warmer recounts every second here (a minute by default).
      app = await startTestApp({ mode, env: { CATEGORY_COUNTS_INTERVAL_SECONDS: '1' } });
    });
    after(() => app.stop());

    async function create(host: string, overrides: Record<string, unknown> = {}): Promise<EventView> {
      const result = await app.gql<{ createEvent: EventView }>(CREATE, { input: eventInput(overrides) }, host);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      return result.data!.createEvent;
    }

    it('creates an event with normalised fields and empty stats, readable by anyone when public', async () => {
      const host = uniqueUser('host');
      const created = await create(host, { tags: ['Games', 'games', ' evening '] });
      assert.equal(created.title, 'Board games night');
      assert.equal(created.host.id, host);
      assert.deepEqual(created.tags, ['games', 'evening']);
      assert.equal(created.status, 'ACTIVE');
      assert.equal(created.category?.name, 'Social');
      assert.deepEqual(Object.values(created.stats), [0, 0, 0, 0, 0, 0, 0, 0]);
      const read = await app.gql<{ event: EventView }>(GET, { id: created.id });
      assert.equal(read.data?.event.id, created.id);
    });

    it('refuses anonymous mutations with UNAUTHENTICATED and a bad token with 401', async () => {
      const result = await app.gql(CREATE, { input: eventInput() });
      assert.equal(result.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      const response = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-jwt' },
        body: JSON.stringify({ query: '{ categories { id } }' }),
      });
      assert.equal(response.status, 401);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(body.errors[0]?.extensions.code, 'UNAUTHENTICATED');
    });

    it('names the offending field for every validation rule and writes nothing', async () => {
      const host = uniqueUser('host');
      const cases: [Record<string, unknown>, string][] = [
        [{ title: '' }, 'input.title'],
        [{ title: 'x'.repeat(256) }, 'input.title'],
        [{ description: 'x'.repeat(5001) }, 'input.description'],
        [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'input.tags'],
        [{ endsAt: new Date(Date.now() + 3600_000).toISOString() }, 'input.endsAt'],
        [{ timeZone: 'Mars/Olympus' }, 'input.timeZone'],
        [{ capacity: 0 }, 'input.capacity'],
        [{ capacity: 10_001 }, 'input.capacity'],
        [{ location: null, virtualLink: null }, 'input.location'],
        [{ virtualLink: 'ftp://example.com' }, 'input.virtualLink'],
        [{ price: { amountMinor: 100, currency: 'XYZ1' } }, 'input.price.currency'],
        [{ categoryId: 'no-such-category' }, 'input.categoryId'],
        [{ startsAt: new Date(Date.now() - 3600_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString() }, 'input.startsAt'],
      ];
      for (const [overrides, field] of cases) {
        const result = await app.gql(CREATE, { input: eventInput(overrides) }, host);
        const error = result.errors?.[0];
        assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', `${field}: ${JSON.stringify(result.errors)}`);
        assert.equal(error?.extensions?.field, field);
        assert.equal(JSON.stringify(result).includes('    at '), false, 'no stack trace');
      }
      const mine = await app.gql<{ myEvents: { edges: unknown[] } }>('{ myEvents { edges { cursor } } }', {}, host);
      assert.equal(mine.data?.myEvents.edges.length, 0);
    });

    it('reports an ill-typed variable as BAD_USER_INPUT with the field', async () => {
      const result = await app.gql(CREATE, { input: { ...eventInput(), capacity: 'many' } }, uniqueUser());
      assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(result.errors?.[0]?.extensions?.field, 'input.capacity');
    });

    it('lets host and co-host update; others get FORBIDDEN; only the host manages co-hosts', async () => {
      const host = uniqueUser('host');
      const cohost = uniqueUser('cohost');
      const stranger = uniqueUser('stranger');
      const event = await create(host);
      const UPDATE = `mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { title capacity description } }`;
      const ADD = `mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { coHosts { id } } }`;
      const REMOVE = `mutation($e: ID!, $u: ID!) { removeCoHost(eventId: $e, userId: $u) { coHosts { id } } }`;

      const denied = await app.gql(UPDATE, { id: event.id, input: { title: 'Hijacked' } }, stranger);
      assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');

      const added = await app.gql<{ addCoHost: { coHosts: { id: string }[] } }>(ADD, { e: event.id, u: cohost }, host);
      assert.deepEqual(added.data?.addCoHost.coHosts, [{ id: cohost }]);
      const again = await app.gql(ADD, { e: event.id, u: cohost }, host);
      assert.equal(again.errors?.[0]?.extensions?.code, 'CONFLICT');
      const byCohost = await app.gql(ADD, { e: event.id, u: stranger }, cohost);
      assert.equal(byCohost.errors?.[0]?.extensions?.code, 'FORBIDDEN');

      const updated = await app.gql<{ updateEvent: { title: string; capacity: number | null; description: string | null } }>(
        UPDATE,
        { id: event.id, input: { title: 'Games & pizza', capacity: 30, description: null } },
        cohost,
      );
      assert.deepEqual(updated.data?.updateEvent, { title: 'Games & pizza', capacity: 30, description: null });

      const badDates = await app.gql(UPDATE, { id: event.id, input: { endsAt: new Date(Date.now() + 60_000).toISOString() } }, host);
      assert.equal(badDates.errors?.[0]?.extensions?.field, 'input.endsAt');

      const removed = await app.gql<{ removeCoHost: { coHosts: unknown[] } }>(REMOVE, { e: event.id, u: cohost }, host);
      assert.deepEqual(removed.data?.removeCoHost.coHosts, []);
      const lostRights = await app.gql(UPDATE, { id: event.id, input: { title: 'Again' } }, cohost);
      assert.equal(lostRights.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    });

    it('cancels once with a reason, and refuses changes to a cancelled event', async () => {
      const host = uniqueUser('host');
      const event = await create(host);
      const CANCEL = `mutation($id: ID!, $r: String) { cancelEvent(id: $id, reason: $r) { status cancellationReason } }`;
      const cancelled = await app.gql<{ cancelEvent: { status: string; cancellationReason: string } }>(CANCEL, { id: event.id, r: 'Venue flooded' }, host);
      assert.deepEqual(cancelled.data?.cancelEvent, { status: 'CANCELLED', cancellationReason: 'Venue flooded' });
      const twice = await app.gql(CANCEL, { id: event.id, r: 'again' }, host);
      assert.equal(twice.errors?.[0]?.extensions?.code, 'CONFLICT');
    });

    it('deletes for the host only; the event is then NOT_FOUND', async () => {
      const host = uniqueUser('host');
      const cohost = uniqueUser('cohost');
      const event = await create(host);
      await app.gql(`mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }`, { e: event.id, u: cohost }, host);
      const DELETE = `mutation($id: ID!) { deleteEvent(id: $id) }`;
      const denied = await app.gql(DELETE, { id: event.id }, cohost);
      assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      const deleted = await app.gql<{ deleteEvent: string }>(DELETE, { id: event.id }, host);
      assert.equal(deleted.data?.deleteEvent, event.id);
      assert.equal((await app.gql<{ event: null }>(GET, { id: event.id })).data?.event, null);
      const gone = await app.gql(DELETE, { id: event.id }, host);
      assert.equal(gone.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    });

    it('hides PRIVATE and FRIENDS events from those who may not see them, on every path', async () => {
      const host = uniqueUser('host');
      const friend = uniqueUser('friend');
      const stranger = uniqueUser('stranger');
      await befriend(app, host, friend);
      const friendsOnly = await create(host, { privacy: 'FRIENDS', virtualLink: 'https://meet.example.com/x' });
      const secret = await create(host, { privacy: 'PRIVATE' });
      const visible = async (id: string, viewer?: string) =>
        (await app.gql<{ event: { id: string } | null }>(GET, { id }, viewer)).data?.event?.id === id;

      assert.equal(await visible(friendsOnly.id, friend), true);
      assert.equal(await visible(friendsOnly.id, stranger), false);
      assert.equal(await visible(friendsOnly.id), false);
      assert.equal(await visible(secret.id, friend), false);
      assert.equal(await visible(secret.id, host), true);

      const link = await app.gql<{ event: { virtualLink: string | null } }>(GET, { id: friendsOnly.id }, friend);
      assert.equal(link.data?.event.virtualLink, 'https://meet.example.com/x');

      const LIST = `query($h: ID!) { events(filter: { hostId: $h }) { edges { node { id } } totalCount } }`;
      const ids = async (viewer?: string) => {
        const result = await app.gql<{ events: { edges: { node: { id: string } }[]; totalCount: number } }>(LIST, { h: host }, viewer);
        return { ids: result.data!.events.edges.map((edge) => edge.node.id).sort(), total: result.data!.events.totalCount };
      };
      assert.deepEqual(await ids(stranger), { ids: [], total: 0 });
      assert.deepEqual(await ids(friend), { ids: [friendsOnly.id], total: 1 });
      assert.deepEqual((await ids(host)).ids, [friendsOnly.id, secret.id].sort());

      const HOSTED = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { hostedEvents { edges { node { id } } } } } }`;
      const hosted = await app.gql<{ _entities: { hostedEvents: { edges: unknown[] } }[] }>(HOSTED, { reps: [{ __typename: 'User', id: host }] }, stranger);
      assert.equal(hosted.data?._entities[0]?.hostedEvents.edges.length, 0);

      const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Event { id title } } }`;
      const reps = [{ __typename: 'Event', id: secret.id }, { __typename: 'Event', id: friendsOnly.id }];
      const asStranger = await app.gql<{ _entities: ({ id: string } | null)[] }>(ENTITIES, { reps }, stranger);
      assert.deepEqual(asStranger.data?._entities, [null, null]);
      const asHost = await app.gql<{ _entities: ({ id: string } | null)[] }>(ENTITIES, { reps }, host);
      assert.deepEqual(asHost.data?._entities.map((entity) => entity?.id), [secret.id, friendsOnly.id]);
    });

    it('pages with cursors in start order, filters, and bounds first to 1..100', async () => {
      const host = uniqueUser('host');
      const day = 24 * 3600_000;
      for (let i = 0; i < 5; i++) {
        const startsAt = new Date(Date.now() + (i + 2) * day);
        await create(host, {
          title: `E${i}`,
          tags: i % 2 === 0 ? ['even'] : ['odd'],
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
          categoryId: i < 3 ? 'music' : 'tech',
        });
      }
      const LIST = `query($f: EventFilter, $first: Int, $after: String) {
        events(filter: $f, first: $first, after: $after) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } }
      }`;
      const titles: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { data?: ListResult | null } = await app.gql<ListResult>(LIST, { f: { hostId: host }, first: 2, after: cursor }, host);
        titles.push(...page.data!.events.edges.map((edge) => edge.node.title));
        cursor = page.data!.events.pageInfo.hasNextPage ? page.data!.events.pageInfo.endCursor : null;
        pages += 1;
      } while (cursor);
      assert.deepEqual(titles, ['E0', 'E1', 'E2', 'E3', 'E4']);
      assert.equal(pages, 3);

      const even = await app.gql<ListResult>(LIST, { f: { hostId: host, tags: ['even'], categoryId: 'music' } }, host);
      assert.deepEqual(even.data!.events.edges.map((edge) => edge.node.title), ['E0', 'E2']);
      const window = await app.gql<ListResult>(LIST, {
        f: { hostId: host, startsAfter: new Date(Date.now() + 3.5 * day).toISOString(), startsBefore: new Date(Date.now() + 5.5 * day).toISOString() },
      }, host);
      assert.deepEqual(window.data!.events.edges.map((edge) => edge.node.title), ['E2', 'E3']);

      for (const first of [0, 101]) {
        const result = await app.gql(LIST, { first }, host);
        assert.equal(result.errors?.[0]?.extensions?.field, 'first');
      }
      const badCursor = await app.gql(LIST, { after: 'garbage' }, host);
      assert.equal(badCursor.errors?.[0]?.extensions?.field, 'after');
    });

    it('lists my events by role', async () => {
      const me = uniqueUser('me');
      const other = uniqueUser('other');
      await create(me, { title: 'Mine' });
      const theirs = await create(other, { title: 'Theirs' });
      await app.gql(`mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }`, { e: theirs.id, u: me }, other);
      const MY = `query($role: MyEventRole) { myEvents(role: $role) { edges { node { title } } } }`;
      const titles = async (role: string) =>
        (await app.gql<{ myEvents: { edges: { node: { title: string } }[] } }>(MY, { role }, me)).data!.myEvents.edges.map((e) => e.node.title).sort();
      assert.deepEqual(await titles('HOST'), ['Mine']);
      assert.deepEqual(await titles('COHOST'), ['Theirs']);
      assert.deepEqual(await titles('ANY'), ['Mine', 'Theirs']);
    });

    it('lists categories with icon, colour and upcoming public event counts', async () => {
      const host = uniqueUser('host');
      await create(host, { categoryId: 'wellness' });
      await create(host, { categoryId: 'wellness' });
      await create(host, { categoryId: 'wellness', privacy: 'PRIVATE' });
      const categories = async () => {
        const result = await app.gql<{ categories: { id: string; icon: string; color: string; upcomingEventCount: number; eventCount: number }[] }>(
          '{ categories { id name icon color upcomingEventCount eventCount } }',
        );
        return result.data!.categories;
      };
      const listed = await categories();
      assert.ok(listed.length >= 8);
      for (const category of listed) {
        assert.match(category.color, /^#[0-9a-f]{6}$/);
        assert.ok(category.icon.length > 0);
      }
      await eventually(async () => {
        const wellness = (await categories()).find((category) => category.id === 'wellness');
        assert.equal(wellness?.upcomingEventCount, 2);
        assert.equal(wellness?.eventCount, 2);
      }, { what: 'the warmed counts to include the new public events' });
    });
  });
}
