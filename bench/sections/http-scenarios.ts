/**
 * The HTTP scenarios: each builds its request (asking the running subgraph first where it
 * needs an id) and says what a valid answer looks like.
 * Add a scenario by appending to HTTP_SCENARIOS.
 */
import { userToken } from '../lib/api.js';
import { graphql, graphqlRequest, type GraphQLRequest } from '../lib/http.js';
import { warn } from '../lib/log.js';
import type { NamedScenario } from './types.js';

export interface HttpScenario extends NamedScenario {
  /** Minimum subgraph/bare throughput ratio (design §6). */
  targetRatio: number;
  /** Builds the request; may ask the running subgraph first (e.g. for a public event id). */
  prepare(port: number): Promise<{ request: GraphQLRequest; about: string }>;
  /** Why a captured response is not the one meant to be measured, or null if it is fine. */
  invalid(json: unknown): string | null;
}

/** ~10 scalar fields plus one entity reference and one loaded relation. */
const EVENT_FIELDS = `id title description privacy status startsAt endsAt timeZone isVirtual capacity
      host { id }
      category { name }`;

const EVENT_QUERY = `query BenchEvent($id: ID!) {\n  event(id: $id) {\n      ${EVENT_FIELDS}\n  }\n}`;
const EVENTS_QUERY = `query BenchEvents {\n  events(first: 20) {\n    edges {\n      node {\n      ${EVENT_FIELDS}\n      }\n    }\n  }\n}`;

const PREFERRED_EVENT_ID = 'demo-event-07';

interface EventPrivacyRow {
  id: string;
  privacy: string;
}

/** demo-event-07 if it is public, else the first public event (anonymous requests see public ones only). */
async function publicEventId(port: number): Promise<string> {
  const preferred = await graphql<{ event: EventPrivacyRow | null }>(port, 'query ($id: ID!) { event(id: $id) { id privacy } }', {
    id: PREFERRED_EVENT_ID,
  });
  if (preferred.event?.privacy === 'PUBLIC') return preferred.event.id;
  const list = await graphql<{ events: { edges: { node: EventPrivacyRow }[] } }>(port, '{ events(first: 50) { edges { node { id privacy } } } }');
  const found = list.events.edges.find(
    (edge) => edge.node.privacy === 'PUBLIC');
  if (!found) throw new Error('no public demo event found; is the demo data seeded?');
  warn(`${PREFERRED_EVENT_ID} is not public; using ${found.node.id}`);
  return found.node.id;
}

/** A demo user whose friend hosts FRIENDS events (the demo friendships: ada–grace, grace–margaret, …). */
const SIGNED_IN_VIEWER = 'user-grace';

interface EventHostRow extends EventPrivacyRow {
  host: { id: string };
  coHosts: { id: string }[];
}

/**
 * A FRIENDS event the viewer sees only as a friend of its host (not its host, co-host or
 * a member): reading it loads the viewer's relations.
 */
async function friendsEventOf(port: number, token: string): Promise<string> {
  const list = await graphql<{ events: { edges: { node: EventHostRow }[] } }>(
    port,
    '{ events(first: 100) { edges { node { id privacy host { id } coHosts { id } } } } }',
    {},
    token,
  );
  const found = list.events.edges.find(
    ({ node }) => node.privacy === 'FRIENDS' && node.host.id !== SIGNED_IN_VIEWER && !node.coHosts.some((coHost) => coHost.id === SIGNED_IN_VIEWER),
  );
  if (!found) throw new Error(`no FRIENDS event of a friend of ${SIGNED_IN_VIEWER} in the demo data`);
  return found.node.id;
}

function signedIn(request: GraphQLRequest, token: string): GraphQLRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
}

function eventsEdges(json: unknown): { node: { privacy?: string } }[] | undefined {
  return (dataOf(json)?.events as { edges?: { node: { privacy?: string } }[] } | undefined)?.edges;
}

function dataOf(json: unknown): Record<string, unknown> | null {
  if (typeof json !== 'object' || json === null) return null;
  const { data, errors } = json as { data?: Record<string, unknown> | null; errors?: unknown[] };
  if (errors?.length) return null;
  return data ?? null;
}

export const HTTP_SCENARIOS: HttpScenario[] = [
  {
    name: 'event-by-id',
    title: 'event(id)',
    targetRatio: 0.5,
    async prepare(port) {
      const id = await publicEventId(port);
      return { request: graphqlRequest(EVENT_QUERY, { id }), about: `anonymous, id ${id}` };
    },
    invalid(json) {
      const event = dataOf(json)?.event as { id?: string } | null | undefined;
      return event?.id ? null : `expected an event, got ${JSON.stringify(json).slice(0, 300)}`;
    },
  },
  {
    name: 'events-first-20',
    title: 'events(first: 20)',
    targetRatio: 0.3,
    async prepare() {
      return { request: graphqlRequest(EVENTS_QUERY), about: 'anonymous, no filter' };
    },
    invalid(json) {
      const edges = eventsEdges(json);
      if (!edges) return `expected events, got ${JSON.stringify(json).slice(0, 300)}`;
      return edges.length === 20 ? null : `expected 20 edges, got ${edges.length}`;
    },
  },
  {
    name: 'event-by-id-signed-in',
    title: 'event(id), signed in',
    targetRatio: 0.3,
    async prepare(port) {
      const token = await userToken(SIGNED_IN_VIEWER);
      const id = await friendsEventOf(port, token);
      return { request: signedIn(graphqlRequest(EVENT_QUERY, { id }), token), about: `${SIGNED_IN_VIEWER} (JWT on every request), FRIENDS event ${id} of a friend` };
    },
    invalid(json) {
      const event = dataOf(json)?.event as { id?: string; privacy?: string } | null | undefined;
      return event?.privacy === 'FRIENDS' ? null : `expected a FRIENDS event, got ${JSON.stringify(json).slice(0, 300)}`;
    },
  },
  {
    name: 'events-first-20-signed-in',
    title: 'events(first: 20), signed in',
    targetRatio: 0.15,
    async prepare() {
      const token = await userToken(SIGNED_IN_VIEWER);
      return { request: signedIn(graphqlRequest(EVENTS_QUERY), token), about: `${SIGNED_IN_VIEWER} (JWT on every request), no filter` };
    },
    invalid(json) {
      const edges = eventsEdges(json);
      if (!edges) return `expected events, got ${JSON.stringify(json).slice(0, 300)}`;
      if (edges.length !== 20) return `expected 20 edges, got ${edges.length}`;
      return edges.some((edge) => edge.node.privacy === 'FRIENDS') ? null : 'expected a FRIENDS event in the page (the viewer\'s relations in use)';
    },
  },
];

