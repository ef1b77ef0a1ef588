import type { EventRepository } from '../datasources/event-repository.js';
import type { SocialGraph } from '../datasources/social-graph.js';
import type { UserRepository } from '../datasources/user-repository.js';
import { DEFAULT_CATEGORIES } from '../domain/categories/defaults.js';
import type { TrendingScores } from '../domain/discovery/trending-scores.js';
import { emptyStats, type EventPrivacy, type EventRecord } from '../domain/events/model.js';
import type { RsvpLedger } from '../domain/rsvps/rsvp-ledger.js';
import type { Logger } from '../logger.js';

export const DEMO_USERS = ['user-ada', 'user-grace', 'user-linus', 'user-margaret', 'user-alan', 'user-katherine', 'user-tim', 'user-barbara'] as const;
export const DEMO_VIEWER = DEMO_USERS[0];

/** user-ada has four friends; the others know each other in a small web. */
const FRIENDSHIPS: [string, string][] = [
  ['user-ada', 'user-grace'],
  ['user-ada', 'user-linus'],
  ['user-ada', 'user-katherine'],
  ['user-ada', 'user-tim'],
  ['user-grace', 'user-margaret'],
  ['user-linus', 'user-alan'],
  ['user-katherine', 'user-barbara'],
];

/** Venues spread over Paris (most events), plus two in London. */
const PLACES = [
  { name: 'Café Oberkampf', address: '3 Rue Neuve Popincourt', latitude: 48.8649, longitude: 2.3757, timeZone: 'Europe/Paris' },
  { name: 'Parc des Buttes-Chaumont', address: '1 Rue Botzaris', latitude: 48.8809, longitude: 2.3828, timeZone: 'Europe/Paris' },
  { name: 'Station F', address: '5 Parvis Alan Turing', latitude: 48.8342, longitude: 2.3711, timeZone: 'Europe/Paris' },
  { name: 'New Morning', address: '7 Rue des Petites Écuries', latitude: 48.8734, longitude: 2.3530, timeZone: 'Europe/Paris' },
  { name: 'Jardin du Luxembourg', address: 'Rue de Médicis', latitude: 48.8462, longitude: 2.3372, timeZone: 'Europe/Paris' },
  { name: 'La Villette', address: '211 Av. Jean Jaurès', latitude: 48.8938, longitude: 2.3908, timeZone: 'Europe/Paris' },
  { name: 'Canal Saint-Martin', address: 'Quai de Valmy', latitude: 48.8718, longitude: 2.3650, timeZone: 'Europe/Paris' },
  { name: 'Marché des Enfants Rouges', address: '39 Rue de Bretagne', latitude: 48.8627, longitude: 2.3617, timeZone: 'Europe/Paris' },
  { name: 'Bois de Boulogne', address: 'Route de la Muette', latitude: 48.8625, longitude: 2.2490, timeZone: 'Europe/Paris' },
  { name: 'Montmartre Studio', address: '12 Rue Lepic', latitude: 48.8841, longitude: 2.3335, timeZone: 'Europe/Paris' },
  { name: 'Tech Hub', address: '42 Byte St', latitude: 51.5072, longitude: -0.1276, timeZone: 'Europe/London' },
  { name: 'Southbank Centre', address: 'Belvedere Rd', latitude: 51.5058, longitude: -0.1163, timeZone: 'Europe/London' },
];

/** Titles and tags per category, so searching "jazz", "café" or "typescript" finds something. */
const THEMES: Record<string, { titles: string[]; tags: string[]; about: string }> = {
  music: { titles: ['Jazz Night', 'Indie Concert', 'Open Mic', 'Piano Recital'], tags: ['jazz', 'live', 'evening'], about: 'Live music with local musicians' },
  sports: { titles: ['Morning Run', 'Five-a-side Football', 'Climbing Session'], tags: ['running', 'outdoor', 'beginners'], about: 'Move together, all levels welcome' },
  food: { titles: ['Café Crawl', 'Street Food Market', 'Crème Brûlée Class', 'Wine Tasting'], tags: ['food', 'tasting', 'evening'], about: 'Good food and better company' },
  tech: { titles: ['TypeScript Meetup', 'GraphQL Workshop', 'AI Talk', 'Hack Night'], tags: ['typescript', 'graphql', 'talks'], about: 'Talks and demos by people who build things' },
  arts: { titles: ['Gallery Walk', 'Sketching Afternoon', 'Poetry Reading'], tags: ['art', 'gallery', 'free'], about: 'See, make and talk about art' },
  outdoors: { titles: ['Canal Walk', 'Picnic in the Park', 'Birdwatching'], tags: ['outdoor', 'walk', 'family'], about: 'Fresh air in the city' },
  social: { titles: ['Board Games Night', 'Language Exchange', 'Pub Quiz'], tags: ['games', 'evening', 'friends'], about: 'Meet new people, bring a friend' },
  learning: { titles: ['French Conversation', 'Photography Basics', 'History Tour'], tags: ['learning', 'beginners', 'talks'], about: 'Learn something new in an evening' },
  family: { titles: ['Puppet Show', 'Family Science Day', 'Storytelling'], tags: ['family', 'kids', 'free'], about: 'Fun for all ages' },
  wellness: { titles: ['Sunrise Yoga', 'Meditation Circle', 'Breathwork'], tags: ['yoga', 'wellness', 'morning'], about: 'Slow down and breathe' },
};

const PRIVACY: EventPrivacy[] = ['PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC', 'FRIENDS', 'PRIVATE'];

/** A small deterministic generator, so every demo start shows the same data. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export function demoEvents(count = 60, now = new Date()): EventRecord[] {
  const random = sequence(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const category = DEFAULT_CATEGORIES[i % DEFAULT_CATEGORIES.length]!;
    const theme = THEMES[category._id] ?? THEMES.social!;
    // Nine in ten in Paris, a few metres apart when they share a venue.
    const place = i % 10 === 9 ? pick(PLACES.slice(10)) : pick(PLACES.slice(0, 10));
    const jitter = () => (random() - 0.5) * 0.004;
    const virtual = i % 11 === 0;
    const startsAt = new Date(now.getTime() + (i - 6) * 20 * 3600_000 + Math.floor(random() * 12) * 3600_000);
    const capacity = i % 3 === 0 ? 10 + Math.floor(random() * 90) : null;
    return {
      _id: `demo-event-${String(i + 1).padStart(2, '0')}`,
      title: `${pick(theme.titles)} #${i + 1}`,
      description: `${theme.about}. ${category.name} at ${place.name}; bring a friend.`,
      hostId: DEMO_USERS[i % DEMO_USERS.length]!,
      coHostIds: i % 4 === 0 ? [DEMO_USERS[(i + 1) % DEMO_USERS.length]!] : [],
      privacy: pick(PRIVACY),
      status: 'ACTIVE',
      categoryId: category._id,
      tags: [category._id, pick(theme.tags), pick(theme.tags)].filter((tag, index, all) => all.indexOf(tag) === index),
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3 * 3600_000),
      timeZone: place.timeZone,
      location: virtual ? null : { name: place.name, address: place.address, latitude: place.latitude + jitter(), longitude: place.longitude + jitter() },
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

/** A birthday (with an arbitrary year) `days` from today, so the demo always has one this week. */
function birthdayIn(days: number, now: Date, year = 1990): string {
  const date = new Date(now.getTime() + days * 86_400_000);
  return `${year}-${date.toISOString().slice(5, 10)}`;
}

/** The demo users as the users service would have published them. */
function demoProfiles(now: Date) {
  const paris = { latitude: 48.8566, longitude: 2.3522 };
  return [
    { id: 'user-ada', name: 'Ada Lovelace', birthday: '1990-12-10', location: paris, interests: ['music', 'tech', 'food'] },
    { id: 'user-grace', name: 'Grace Hopper', birthday: birthdayIn(2, now), location: paris, interests: ['tech'] },
    { id: 'user-linus', name: 'Linus Torvalds', birthday: birthdayIn(5, now, 1988), location: paris, interests: ['outdoors'] },
    { id: 'user-margaret', name: 'Margaret Hamilton', birthday: birthdayIn(1, now, 1985), location: paris, interests: ['arts'] },
    { id: 'user-alan', name: 'Alan Turing', birthday: '1912-06-23', location: paris, interests: ['sports'] },
    { id: 'user-katherine', name: 'Katherine Johnson', birthday: '1996-02-29', location: paris, interests: ['learning'] },
    { id: 'user-tim', name: 'Tim Berners-Lee', birthday: birthdayIn(20, now, 1975), location: paris, interests: ['social'] },
    { id: 'user-barbara', name: 'Barbara Liskov', birthday: '1980-11-07', location: paris, interests: ['wellness'] },
  ];
}

/** Seeds demo events, users, friendships and answers once; a second run finds the events and adds nothing. */
export interface SeedDeps {
  events: EventRepository;
  graph: SocialGraph;
  users: UserRepository;
  ledger: Pick<RsvpLedger, 'answer'>;
  discovery: { scores: Pick<TrendingScores, 'record'> };
  logger: Logger;
}

export async function seedDemoData(deps: SeedDeps): Promise<{ events: number }> {
  const log = deps.logger.child({ component: 'seed' });
  const now = new Date();
  const events = demoEvents(60, now);
  const existing = await deps.events.findByIds(events.map((event) => event._id));
  const missing = events.filter((_, i) => existing[i] === null);
  log.info({ total: events.length, missing: missing.length }, 'seed: demo events');
  for (const event of missing) await deps.events.insert(event);

  // Older than anything the users topic will bring: a real profile replaces these.
  const profileTime = new Date('2000-01-01T00:00:00Z');
  for (const { id, ...profile } of demoProfiles(now)) await deps.users.applyIfNotOlder(id, profile, profileTime);
  for (const [a, b] of FRIENDSHIPS) await deps.graph.addFriendship(a, b, now);
  log.info({ users: DEMO_USERS.length, friendships: FRIENDSHIPS.length }, 'seed: demo users and friendships');

  // Answers only for events inserted now, so a second run does not answer again.
  const upcomingPublic = missing.filter((event) => event.startsAt > now && event.privacy === 'PUBLIC' && event.hostId !== DEMO_VIEWER);
  const crowd = Array.from({ length: 12 }, (_, i) => `demo-crowd-${i + 1}`);
  let answers = 0;
  for (const [i, event] of upcomingPublic.entries()) {
    // Ada's friends go to every other event; the crowd makes a few of them popular.
    const goers = ['user-grace', 'user-linus', 'user-katherine', 'user-tim'].filter((_, f) => (i + f) % 2 === 0);
    const interested = i % 4 === 0 ? crowd : crowd.slice(0, i % 3);
    for (const userId of goers) await deps.ledger.answer(event._id, userId, 'GOING');
    for (const userId of interested) await deps.ledger.answer(event._id, userId, 'INTERESTED');
    for (const userId of goers) await deps.graph.setRsvp(userId, event._id, 'GOING', now);
    answers += goers.length + interested.length;
    // Shares and views, as if the event had been out for a while.
    await deps.discovery.scores.record(event._id, (upcomingPublic.length - i) * 2, now);
  }
  log.info({ answers, events: upcomingPublic.length }, 'seed: demo answers');
  return { events: missing.length };
}
