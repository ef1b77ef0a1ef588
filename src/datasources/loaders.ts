import DataLoader from 'dataloader';
import type { CategoryRecord } from '../domain/categories/model.js';
import type { EventRecord } from '../domain/events/model.js';
import type { CategoryRepository } from './category-repository.js';
import type { EventRepository } from './event-repository.js';
import type { InvitationRepository } from './invitation-repository.js';
import type { CommentPage, PostRecord, ReactionRecord } from '../domain/posts/model.js';
import type { CommentPreviewRequest, PostRepository } from './post-repository.js';
import type { RsvpRecord } from '../domain/rsvps/model.js';
import type { RsvpRepository } from './rsvp-repository.js';
import type { SocialGraph } from './social-graph.js';

export interface LoaderSources {
  events: EventRepository;
  categories: CategoryRepository;
  posts: PostRepository;
  rsvps: RsvpRepository;
  invitations: InvitationRepository;
  graph: SocialGraph;
}

/** Each batch function is one round trip and returns results in key order. */
const FACTORIES = {
  eventById: (sources: LoaderSources) => new DataLoader<string, EventRecord | null>((ids) => sources.events.findByIds(ids)),
  categoryById: (sources: LoaderSources) => new DataLoader<string, CategoryRecord | null>((ids) => sources.categories.findByIds(ids)),
  rsvpById: (sources: LoaderSources) => new DataLoader<string, RsvpRecord | null>((ids) => sources.rsvps.findByIds(ids)),
  /** Places in the waitlist of many answers, from one read of the events' waitlists. */
  waitlistPosition: (sources: LoaderSources) => new DataLoader<string, number | null>(async (ids) => {
    const rsvps = await sources.rsvps.findByIds(ids);
    const eventIds = [...new Set(rsvps.flatMap((rsvp) => (rsvp?.bucket === 'WAITLISTED' ? [rsvp.eventId] : [])))];
    const queues = await sources.rsvps.waitlists(eventIds);
    return rsvps.map((rsvp) => {
      if (!rsvp || rsvp.bucket !== 'WAITLISTED') return null;
      const index = queues.get(rsvp.eventId)?.indexOf(rsvp._id) ?? -1;
      return index >= 0 ? index + 1 : null;
    });
  }),
  /** Events each user answered or was invited to (any status): two queries, run together. */
  memberEventIds: (sources: LoaderSources) => new DataLoader<string, string[]>(async (userIds) => {
    const [answered, invited] = await Promise.all([
      Promise.all(userIds.map((userId) => sources.rsvps.eventIdsOf(userId))),
      sources.invitations.eventIdsOfInvitees(userIds),
    ]);
    return userIds.map((_, i) => [...new Set([...answered[i]!, ...invited[i]!])]);
  }),
  postById: (sources: LoaderSources) => new DataLoader<string, PostRecord | null>((ids) => sources.posts.findByIds(ids)),
  /** Reactions by `postId:userId`, e.g. the viewer's reaction to every post of a page. */
  reactionById: (sources: LoaderSources) => new DataLoader<string, ReactionRecord | null>((ids) => sources.posts.reactionsByIds(ids)),
  /** The first comments of many posts (each with its own page size), in one query. */
  firstComments: (sources: LoaderSources) => new DataLoader<CommentPreviewRequest, CommentPage, string>((requests) => sources.posts.firstComments(requests), {
    cacheKeyFn: (request) => `${request.post._id}:${request.first}`,
  }),
  friendIds: (sources: LoaderSources) => new DataLoader<string, string[]>(async (userIds) => {
    const friends = await sources.graph.friendIdsOf(userIds);
    return userIds.map((id) => friends.get(id) ?? []);
  }),
};

type Factories = typeof FACTORIES;
export type Loaders = { readonly [K in keyof Factories]: ReturnType<Factories[K]> };

/**
 * One set per request (or WebSocket operation), so cached rows never cross users. Each
 * loader is made on first use: most operations need one or two of them.
 */
export function createLoaders(sources: LoaderSources): Loaders {
  return Object.create(LAZY_LOADERS, { sources: { value: sources } }) as Loaders;
}

/** The prototype of every loader set: a getter per loader that makes it once, on the set itself. */
const LAZY_LOADERS: object = Object.defineProperties(
  {},
  Object.fromEntries(
    Object.entries(FACTORIES).map(([key, make]) => [
      key,
      {
        enumerable: true,
        get(this: { sources: LoaderSources } & Record<string, unknown>) {
          const loader = (make as (sources: LoaderSources) => unknown)(this.sources);
          Object.defineProperty(this, key, { value: loader, enumerable: true });
          return loader;
        },
      },
    ]),
  ),
);
