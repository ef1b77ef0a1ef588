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

export interface DiscoveryDataSet {
  events: EventRecord[];
  cities: City[];
  users: string[];
  /** Home city of each user (index into cities). */
  homeOf: (user: number) => number;
  /** A search a user of that city might type: a common word, then the city's name (rarer, last). */
  searchQuery: (random: () => number, city: number) => string;
}

/**
 * Seeds `events` events, `users` users with about `friends` friends each (mostly in their
 * city), five GOING and three INTERESTED answers per user in their city, and trending
 * interactions on the events, through the repositories, the ledger and the graph.
 */
export async function seedDiscovery(deps: Deps, options: { events: number; users: number; friends: number; concurrency?: number }): Promise<DiscoveryDataSet> {
  const concurrency = options.concurrency ?? 24;
  const random = sequence(99);
  const events = benchEvents(options.events, options.users);
  const places = cities(Math.ceil(options.events / EVENTS_PER_CITY));
  const users = Array.from({ length: options.users }, (_, i) => userOf(i));
  const homeOf = (user: number) => user % places.length;
  const eventsOfCity = places.map((_, city) => events.filter((event, i) => i % places.length === city && event.location !== null && event.privacy === 'PUBLIC'));

  await inParallel('events', events, concurrency, async (event) => {
    await deps.events.insert(event);
  });
  const profileTime = new Date('2000-01-01T00:00:00Z');
  await inParallel('user replicas', users, concurrency, async (user, i) => {
    const home = places[homeOf(i)]!;
    const interests = [WORDS[i % WORDS.length]!, DEFAULT_CATEGORIES[i % DEFAULT_CATEGORIES.length]!._id];
    const birthday = `19${70 + (i % 30)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    await deps.users.applyIfNotOlder(user, { name: user, birthday, location: pointNear(home, 5, random), interests }, profileTime);
  });
  // Each user befriends friends/2 others (so about `friends` each), nine in ten in the same city.
  const pairs: [string, string][] = [];
  for (let i = 0; i < users.length; i++) {
    for (let f = 0; f < options.friends / 2; f++) {
      const sameCity = random() < 0.9;
      let j = sameCity ? homeOf(i) + places.length * Math.floor(random() * (users.length / places.length)) : Math.floor(random() * users.length);
      if (j >= users.length || j === i) j = (i + 1 + f) % users.length;
      pairs.push([users[i]!, users[j]!]);
    }
  }
  const since = new Date();
  await inParallel('friendships', pairs, concurrency, async ([a, b]) => {
    if (a !== b) await deps.graph.addFriendship(a, b, since);
  });
  const answers: [string, string, 'GOING' | 'INTERESTED'][] = [];
  for (let i = 0; i < users.length; i++) {
    const local = eventsOfCity[homeOf(i)]!;
    for (let k = 0; k < 8 && local.length > 0; k++) answers.push([users[i]!, local[Math.floor(random() * local.length)]!._id, k < 5 ? 'GOING' : 'INTERESTED']);
  }
  await inParallel('answers', answers, concurrency, async ([user, eventId, status]) => {
    await deps.ledger.answer(eventId, user, status);
    await deps.graph.setRsvp(user, eventId, status, new Date());
  });
  await inParallel('trending interactions', events, concurrency, async (event) => {
    await deps.discovery.scores.record(event._id, 1 + Math.floor(random() * 20), new Date(Date.now() - random() * 3 * 86_400_000));
  });
  return {
    events,
    cities: places,
    users,
    homeOf,
    searchQuery: (pick, city) => `${WORDS[Math.floor(pick() * WORDS.length)]} ${places[city]!.name}`,
  };
}
