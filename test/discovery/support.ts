import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';
import { befriend } from '../support/seed.js';

export interface Place {
  lat: number;
  lng: number;
}

/** A point of its own for one suite (somewhere over the oceans), so nearby sees only what the suite made. */
export function lonelyPlace(): Place {
  return { lat: Math.round((-40 + Math.random() * 80) * 1e4) / 1e4, lng: Math.round((-170 + Math.random() * 340) * 1e4) / 1e4 };
}

/** The point `km` east of `place` (north when `north`), near enough on a sphere for tests. */
export function offset(place: Place, km: number, north = false): Place {
  const dLat = km / 111.195;
  return north ? { lat: place.lat + dLat, lng: place.lng } : { lat: place.lat, lng: place.lng + dLat / Math.cos((place.lat * Math.PI) / 180) };
}

export const locationAt = (place: Place, name = 'Venue') => ({ name, address: null, latitude: place.lat, longitude: place.lng });

/** A word no other test uses, so a search finds only what the suite made. */
export const uniqueWord = (prefix = 'zq') => `${prefix}${randomUUID().replace(/\D/g, '').slice(0, 8)}`;

export async function createAt(app: TestApp, host: string, place: Place | null, overrides: Record<string, unknown> = {}): Promise<string> {
  return createEvent(app, host, { ...(place ? { location: locationAt(place) } : { location: null, virtualLink: 'https://meet.example.com/x' }), ...overrides });
}

export interface EventEdge {
  cursor: string;
  node: { id: string; title: string };
}

interface Connection {
  totalCount: number;
  edges: EventEdge[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export async function search(app: TestApp, query: string, viewer?: string, filter: Record<string, unknown> | null = null, first = 20, after: string | null = null) {
  const result = await app.gql<{ searchEvents: Connection }>(
    `query($q: String!, $f: SearchFilter, $first: Int, $after: String) {
      searchEvents(query: $q, filter: $f, first: $first, after: $after) { totalCount edges { cursor node { id title } } pageInfo { hasNextPage endCursor } }
    }`,
    { q: query, f: filter, first, after },
    viewer,
  );
  return result;
}

export async function searchIds(app: TestApp, query: string, viewer?: string, filter: Record<string, unknown> | null = null): Promise<string[]> {
  const result = await search(app, query, viewer, filter, 100);
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.equal(result.data!.searchEvents.totalCount, result.data!.searchEvents.edges.length, 'totalCount counts what the viewer sees');
  return result.data!.searchEvents.edges.map((edge) => edge.node.id);
}

export interface NearbyEdge {
  cursor: string;
  distanceKm: number;
  node: { id: string };
}

export async function nearby(app: TestApp, near: Place, radiusKm: number, viewer?: string, first = 20, after: string | null = null, filter: Record<string, unknown> | null = null) {
  return app.gql<{ nearbyEvents: { totalCount: number; edges: NearbyEdge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    `query($near: GeoPointInput!, $r: Float, $first: Int, $after: String, $f: EventFilter) {
      nearbyEvents(near: $near, radiusKm: $r, first: $first, after: $after, filter: $f) {
        totalCount edges { cursor distanceKm node { id } } pageInfo { hasNextPage endCursor }
      }
    }`,
    { near, r: radiusKm, first, after, f: filter },
    viewer,
  );
}

export async function nearbyIds(app: TestApp, near: Place, radiusKm: number, viewer?: string): Promise<string[]> {
  const result = await nearby(app, near, radiusKm, viewer, 100);
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.equal(result.data!.nearbyEvents.totalCount, result.data!.nearbyEvents.edges.length, 'totalCount counts what the viewer sees');
  return result.data!.nearbyEvents.edges.map((edge) => edge.node.id);
}

export async function trendingIds(app: TestApp, viewer?: string, args: Record<string, unknown> = {}): Promise<string[]> {
  const result = await app.gql<{ trendingEvents: Connection }>(
    `query($first: Int, $category: ID, $near: GeoPointInput, $r: Float) {
      trendingEvents(first: $first, category: $category, near: $near, radiusKm: $r) { totalCount edges { node { id } } pageInfo { hasNextPage } }
    }`,
    { first: 100, ...args },
    viewer,
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.equal(result.data!.trendingEvents.totalCount, result.data!.trendingEvents.edges.length, 'totalCount counts what the viewer sees');
  return result.data!.trendingEvents.edges.map((edge) => edge.node.id);
}

export interface RecommendationView {
  score: number;
  reasons: { kind: string; count: number | null; interest: string | null; distanceKm: number | null; friends: { id: string }[] }[];
  node: { id: string };
}

export async function recommendations(app: TestApp, viewer?: string, first = 50) {
  return app.gql<{ recommendedEvents: { edges: (RecommendationView & { cursor: string })[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    `query($first: Int) {
      recommendedEvents(first: $first) {
        edges { cursor score reasons { kind count interest distanceKm friends { id } } node { id } }
        pageInfo { hasNextPage endCursor }
      }
    }`,
    { first },
    viewer,
  );
}

export async function recommendedIds(app: TestApp, viewer: string): Promise<string[]> {
  const result = await recommendations(app, viewer);
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!.recommendedEvents.edges.map((edge) => edge.node.id);
}

/** The users replica as the users topic would have filled it. */
export async function profile(app: TestApp, userId: string, fields: { birthday?: string | null; location?: { latitude: number; longitude: number } | null; interests?: string[] }) {
  await app.deps.users.applyIfNotOlder(userId, fields, new Date());
}

/** `host` invites `invitee` to the event (through the API, as friends), after which they stop being friends. */
export async function inviteThenUnfriend(app: TestApp, host: string, invitee: string, eventId: string): Promise<void> {
  await befriend(app, host, invitee);
  const result = await app.gql<{ inviteFriends: { invited: { id: string }[] } }>(
    'mutation($e: ID!, $u: [ID!]!) { inviteFriends(eventId: $e, userIds: $u) { invited { id } } }',
    { e: eventId, u: [invitee] },
    host,
  );
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.equal(result.data!.inviteFriends.invited.length, 1);
  await app.deps.graph.removeFriendship(host, invitee);
}

/** Answers as `userId` straight through the ledger and the graph, whatever the event's privacy (set-up only). */
export async function goes(app: TestApp, userId: string, eventId: string, status: 'GOING' | 'INTERESTED' = 'GOING'): Promise<void> {
  await app.deps.ledger.answer(eventId, userId, status);
  await app.deps.graph.setRsvp(userId, eventId, status, new Date());
}

/** Graph queries run so far, from the datastore latency histogram (every Neo4j call is timed there). */
export async function graphQueries(app: TestApp): Promise<number> {
  return datastoreCalls(app, 'neo4j');
}

export async function datastoreCalls(app: TestApp, store: string): Promise<number> {
  const metric = await app.deps.metrics.datastoreLatency.get();
  return metric.values
    .filter((value) => value.metricName === 'datastore_operation_duration_seconds_count' && value.labels.store === store)
    .reduce((sum, value) => sum + value.value, 0);
}

export const sorted = (ids: string[]) => [...ids].sort();
