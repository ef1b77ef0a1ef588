import type { EventRepository } from '../datasources/event-repository.js';
import type { SocialGraph } from '../datasources/social-graph.js';
import { DEFAULT_CATEGORIES } from '../domain/categories/defaults.js';
import { emptyStats, type EventPrivacy, type EventRecord } from '../domain/events/model.js';
import type { Logger } from '../logger.js';

export const DEMO_USERS = ['user-ada', 'user-grace', 'user-linus', 'user-margaret', 'user-alan'] as const;
export const DEMO_VIEWER = DEMO_USERS[0];

const FRIENDSHIPS: [string, string][] = [
  ['user-ada', 'user-grace'],
  ['user-ada', 'user-linus'],
  ['user-grace', 'user-margaret'],
  ['user-linus', 'user-alan'],
];

const PLACES = [
  { name: 'Riverside Park', address: '1 River Rd', latitude: 48.8566, longitude: 2.3522, timeZone: 'Europe/Paris' },
  { name: 'Tech Hub', address: '42 Byte St', latitude: 51.5072, longitude: -0.1276, timeZone: 'Europe/London' },
  { name: 'Blue Note Hall', address: '131 W 3rd St', latitude: 40.7306, longitude: -73.9866, timeZone: 'America/New_York' },
  { name: 'Harbour Steps', address: '2 Quay Ln', latitude: -33.8568, longitude: 151.2153, timeZone: 'Australia/Sydney' },
];

const TITLES = ['Meetup', 'Workshop', 'Night', 'Festival', 'Picnic', 'Session', 'Walk', 'Jam', 'Talk', 'Brunch'];
const PRIVACY: EventPrivacy[] = ['PUBLIC', 'PUBLIC', 'PUBLIC', 'FRIENDS', 'PRIVATE'];

/** A small deterministic generator, so every demo start shows the same data. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export function demoEvents(count = 50, now = new Date()): EventRecord[] {
  const random = sequence(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const category = DEFAULT_CATEGORIES[i % DEFAULT_CATEGORIES.length]!;
    const place = pick(PLACES);
    const virtual = i % 7 === 0;
    const startsAt = new Date(now.getTime() + (i - 5) * 36 * 3600_000 + Math.floor(random() * 12) * 3600_000);
    const capacity = i % 3 === 0 ? 10 + Math.floor(random() * 90) : null;
    return {
      _id: `demo-event-${String(i + 1).padStart(2, '0')}`,
      title: `${category.name} ${pick(TITLES)} #${i + 1}`,
      description: `A ${category.name.toLowerCase()} event for everyone who enjoys it. Bring a friend.`,
      hostId: DEMO_USERS[i % DEMO_USERS.length]!,
      coHostIds: i % 4 === 0 ? [DEMO_USERS[(i + 1) % DEMO_USERS.length]!] : [],
      privacy: pick(PRIVACY),
      status: startsAt < now ? 'COMPLETED' : 'ACTIVE',
      categoryId: category._id,
      tags: [category._id, pick(['free', 'outdoor', 'beginners', 'family', 'evening'])],
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 3600_000),
      timeZone: place.timeZone,
      location: virtual ? null : { name: place.name, address: place.address, latitude: place.latitude, longitude: place.longitude },
      virtualLink: virtual ? `https://meet.example.com/demo-${i + 1}` : null,
      capacity,
      seatsLeft: capacity,
      waitlistSeq: 0,
      countsVersion: 0,
      rsvpChangedAt: null,
      price: i % 5 === 0 ? { amountMinor: 1500, currency: 'EUR' } : null,
      mediaUrls: [],
      stats: emptyStats(),
      cancellationReason: null,
      createdAt: now,
      updatedAt: now,
      deleted: false,
    } satisfies EventRecord;
  });
}

/** Seeds demo events and friendships once; a second run finds them and does nothing. */
export interface SeedDeps {
  events: EventRepository;
  graph: SocialGraph;
  logger: Logger;
}

export async function seedDemoData(deps: SeedDeps): Promise<{ events: number }> {
  const log = deps.logger.child({ component: 'seed' });
  const events = demoEvents();
  const existing = await deps.events.findByIds(events.map((event) => event._id));
  const missing = events.filter((_, i) => existing[i] === null);
  log.info({ total: events.length, missing: missing.length }, 'seed: demo events');
  for (const event of missing) await deps.events.insert(event);
  for (const [a, b] of FRIENDSHIPS) await deps.graph.addFriendship(a, b, new Date());
  log.info({ friendships: FRIENDSHIPS.length }, 'seed: demo friendships');
  return { events: missing.length };
}
