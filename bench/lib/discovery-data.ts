/**
 * The discovery benchmark's data: events spread over cities (about a thousand per city,
 * so a city's neighbourhood holds the same number of events however many cities there
 * are), users who live in those cities with ~50 friends mostly nearby, their answers and
 * interactions. Deterministic, so runs compare. Written through the repositories, never
 * through HTTP.
 */
import type { Deps } from '../../src/deps.js';
import { DEFAULT_CATEGORIES } from '../../src/domain/categories/defaults.js';
import { emptyStats, type EventPrivacy, type EventRecord } from '../../src/domain/events/model.js';
import { progress } from './log.js';

/** Events per city: the density a nearby query sees stays the same as the data grows. */
export const EVENTS_PER_CITY = 1_000;
/** A city's events lie within this many km of its centre. */
const CITY_RADIUS_KM = 10;

const WORDS = [
  'jazz', 'rock', 'salsa', 'tango', 'opera', 'piano', 'guitar', 'choir', 'techno', 'folk',
  'coffee', 'wine', 'beer', 'brunch', 'dinner', 'tasting', 'market', 'bakery', 'vegan', 'sushi',
  'running', 'yoga', 'cycling', 'climbing', 'football', 'tennis', 'hiking', 'swimming', 'chess', 'poker',
  'python', 'typescript', 'graphql', 'startup', 'design', 'robots', 'drones', 'data', 'security', 'cloud',
  'painting', 'sculpture', 'poetry', 'theatre', 'cinema', 'photography', 'dance', 'comedy', 'history', 'science',
];
const TAGS = ['free', 'outdoor', 'evening', 'beginners', 'family', 'weekend', 'live', 'talks', 'social', 'morning'];
const PRIVACY: EventPrivacy[] = ['PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC', 'FRIENDS', 'PRIVATE'];

/** A small deterministic generator. */
export function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export interface City {
  name: string;
  latitude: number;
  longitude: number;
}

/** `count` city centres spread over the inhabited latitudes, far enough apart not to overlap. */
export function cities(count: number): City[] {
  const random = sequence(7);
  return Array.from({ length: count }, (_, i) => ({
    name: `city${i}x`,
    latitude: -50 + ((i * 37) % 100) + random(),
    longitude: -175 + ((i * 71) % 350) + random(),
  }));
}

/** A point within `radiusKm` of the centre, uniform over the disc. */
export function pointNear(center: { latitude: number; longitude: number }, radiusKm: number, random: () => number) {
  const r = radiusKm * Math.sqrt(random());
  const theta = 2 * Math.PI * random();
  const dLat = (r * Math.cos(theta)) / 111.195;
  const dLon = (r * Math.sin(theta)) / (111.195 * Math.cos((center.latitude * Math.PI) / 180));
  return { latitude: center.latitude + dLat, longitude: center.longitude + dLon };
}

const userOf = (i: number) => `bench-discovery-user-${i}`;

/** The events of a data set of `count` (ids `bench-event-<i>`), with `hosts` users hosting them in turn. */
export function benchEvents(count: number, hosts: number, now = new Date()): EventRecord[] {
  const random = sequence(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const places = cities(Math.ceil(count / EVENTS_PER_CITY));
  return Array.from({ length: count }, (_, i) => {
    const city = places[i % places.length]!;
    const category = DEFAULT_CATEGORIES[i % DEFAULT_CATEGORIES.length]!;
    // Mostly ahead, some past; every tenth event online only.
    const startsAt = new Date(now.getTime() + (random() * 60 - 5) * 86_400_000);
    const online = i % 10 === 9;
    const point = pointNear(city, CITY_RADIUS_KM, random);
    return {
      _id: `bench-event-${i}`,
      title: `${pick(WORDS)} ${pick(WORDS)} ${category.name} in ${city.name}`,
      description: Array.from({ length: 12 }, () => pick(WORDS)).join(' '),
      hostId: userOf(i % hosts),
      coHostIds: [],
      privacy: pick(PRIVACY),
      status: 'ACTIVE',
      categoryId: category._id,
      tags: [pick(TAGS), pick(TAGS)].filter((tag, index, all) => all.indexOf(tag) === index),
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 3600_000),
      timeZone: 'UTC',
      location: online ? null : { name: `Venue ${i}`, address: null, ...point },
      virtualLink: online ? `https://meet.example.com/bench-${i}` : null,
      capacity: null,
      seatsLeft: null,
      waitlistSeq: 0,
      countsVersion: 0,
      rsvpChangedAt: null,
      price: null,
      mediaUrls: [],
      stats: emptyStats(),
      cancellationReason: null,
      createdAt: now,
      updatedAt: now,
      deleted: false,
    } satisfies EventRecord;
  });
}

/** Runs `work` over `items` with at most `concurrency` at once, reporting progress now and then. */
export async function inParallel<T>(label: string, items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  let reported = started;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      await work(items[index]!, index);
      done += 1;
      if (performance.now() - reported > 5_000) {
        reported = performance.now();
        progress(`seeding ${label}`, { done, of: items.length });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  progress(`seeded ${label}`, { count: items.length, ms: Math.round(performance.now() - started) });
}

export interface DiscoveryOptions {
  events: number;
  users: number;
  friends: number;
}

/** What the load generator needs to know of the data set (the same one every time for the same options). */
export interface DiscoveryDataSet {
  cities: City[];
  users: string[];
  /** Home city of each user (index into cities). */
  homeOf: (user: number) => number;
  /** A search a user of that city might type: a common word, then the city's name (rarer, last). */
  searchQuery: (random: () => number, city: number) => string;
}

export function discoveryDataSet(options: DiscoveryOptions): DiscoveryDataSet {
  const places = cities(Math.ceil(options.events / EVENTS_PER_CITY));
  return {
    cities: places,
    users: Array.from({ length: options.users }, (_, i) => userOf(i)),
    homeOf: (user) => user % places.length,
    searchQuery: (pick, city) => `${WORDS[Math.floor(pick() * WORDS.length)]} ${places[city]!.name}`,
  };
}

export interface SeedSummary {
  events: number;
  users: number;
  friendships: number;
  answers: number;
  ms: Record<string, number>;
}

/**
 * Seeds the data set through the repositories, the RSVP ledger and the social graph:
 * `events` events, `users` user replicas with about `friends` friends each (nine in ten
 * in their city), five GOING and three INTERESTED answers per user in their city, and a
 * trending score per event.
 */
export async function seedDiscovery(deps: Deps, options: DiscoveryOptions, concurrency = 16): Promise<SeedSummary> {
  const random = sequence(99);
  const data = discoveryDataSet(options);
  const events = benchEvents(options.events, options.users);
  const places = data.cities;
  const eventsOfCity = places.map((_, city) => events.filter((event, i) => i % places.length === city && event.location !== null && event.privacy === 'PUBLIC'));
  const ms: Record<string, number> = {};
  const timed = async (label: string, work: () => Promise<void>) => {
    const started = performance.now();
    await work();
    ms[label] = Math.round(performance.now() - started);
  };

  await timed('events', () => inParallel('events', events, concurrency, async (event) => void (await deps.events.insert(event))));
  const profileTime = new Date('2000-01-01T00:00:00Z');
  const replicas = data.users.map((user, i) => ({
    _id: user,
    name: user,
    birthday: `19${70 + (i % 30)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    location: pointNear(places[data.homeOf(i)]!, 5, random),
    interests: [WORDS[i % WORDS.length]!, DEFAULT_CATEGORIES[i % DEFAULT_CATEGORIES.length]!._id],
    updatedAt: profileTime,
  }));
  await timed('users', async () => {
    await inParallel('user replicas', chunks(replicas, 100), concurrency, async (chunk) => void (await deps.users.importNew(chunk)));
  });
  // Each user befriends friends/2 others (so about `friends` each), nine in ten in the same city.
  const pairs: [string, string][] = [];
  const perCity = Math.max(1, Math.floor(data.users.length / places.length));
  for (let i = 0; i < data.users.length; i++) {
    for (let f = 0; f < options.friends / 2; f++) {
      let j = random() < 0.9 ? data.homeOf(i) + places.length * Math.floor(random() * perCity) : Math.floor(random() * data.users.length);
      if (j >= data.users.length || j === i) j = (i + 1 + f) % data.users.length;
      if (j !== i) pairs.push([data.users[i]!, data.users[j]!]);
    }
  }
  await timed('friendships', () => deps.graph.addFriendships(pairs, new Date()));
  const answers: [string, string, 'GOING' | 'INTERESTED'][] = [];
  for (let i = 0; i < data.users.length; i++) {
    const local = eventsOfCity[data.homeOf(i)]!;
    for (let k = 0; k < 8 && local.length > 0; k++) answers.push([data.users[i]!, local[Math.floor(random() * local.length)]!._id, k < 5 ? 'GOING' : 'INTERESTED']);
  }
  await timed('answers', () => inParallel('answers', answers, concurrency, async ([user, eventId, status]) => void (await deps.ledger.answer(eventId, user, status))));
  // The RSVP relations the rsvp-graph consumer would write from the answers' messages, at once.
  const answeredAt = new Date();
  await timed('graph answers', () => deps.graph.setRsvps(answers.map(([userId, eventId, status]) => ({ userId, eventId, status, at: answeredAt }))));
  await timed('trending', () =>
    inParallel('trending interactions', events, concurrency, async (event) => {
      await deps.discovery.scores.record(event._id, 1 + Math.floor(random() * 20), new Date(Date.now() - random() * 3 * 86_400_000));
    }),
  );
  await timed('trending board', async () => void (await deps.discovery.trendingWarmer.runOnce()));
  return { events: events.length, users: replicas.length, friendships: pairs.length, answers: answers.length, ms };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
