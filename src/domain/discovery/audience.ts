import DataLoader from 'dataloader';
import type { VisibilityScope } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import type { AnswerScope, FriendsAnswers, SocialGraph } from '../../datasources/social-graph.js';
import type { EventRecord } from '../events/model.js';
import type { ViewerAccess } from '../viewer-access.js';

/**
 * What discovery knows about the viewer within one request, and the one graph query it
 * makes for it: the viewer's friends and which of them are going, for the events at
 * hand. Lists are read from the store first with FRIENDS events of every host let
 * through (`candidateScope`), then one query learns the friends and friends going for
 * exactly those candidates (`visible`), and the events the viewer may not see are
 * dropped — before anything is ranked, counted or paged.
 */
export class Audience {
  private going: DataLoader<string, string[]> | undefined;

  constructor(
    private readonly graph: Pick<SocialGraph, 'friendsAnswers'>,
    private readonly access: ViewerAccess,
    private readonly loaders: Pick<Loaders, 'friendIds' | 'memberEventIds'>,
  ) {}

  get viewerId(): string | null {
    return this.access.viewerId;
  }

  /** The store's visibility filter before friendships are known; `visible` finishes the job. */
  async candidateScope(): Promise<VisibilityScope> {
    const viewerId = this.access.viewerId;
    if (!viewerId) return { viewerId: null, friendIds: [], memberEventIds: [] };
    return { viewerId, friendIds: 'unchecked', memberEventIds: await this.loaders.memberEventIds.load(viewerId) };
  }

  /** The store's visibility filter with the viewer's friends known (after `learn`). */
  async exactScope(): Promise<VisibilityScope> {
    const relations = await this.access.relations();
    return { viewerId: this.access.viewerId, friendIds: [...relations.friendIds], memberEventIds: [...relations.memberEventIds] };
  }

  /** The events the viewer may see, in their order; learns friends and friends going for all of them first. */
  async visible(events: readonly EventRecord[]): Promise<EventRecord[]> {
    if (!this.access.viewerId) return events.filter((event) => event.privacy === 'PUBLIC');
    if (events.length === 0) return [];
    await this.learn({ eventIds: events.map((event) => event._id) });
    return this.access.visibleAmong(events);
  }

  /**
   * Asks the graph once for the viewer's friends and friends going (to given events, or
   * the events friends answered most recently) and remembers both for the request.
   */
  async learn(scope: AnswerScope): Promise<FriendsAnswers> {
    const viewerId = this.access.viewerId;
    if (!viewerId) return { friendIds: [], byEvent: new Map() };
    const answers = await this.graph.friendsAnswers(viewerId, 'GOING', scope);
    this.loaders.friendIds.prime(viewerId, answers.friendIds);
    const going = this.goingLoader(viewerId);
    for (const [eventId, friendIds] of answers.byEvent) going.prime(eventId, friendIds);
    return answers;
  }

  /** Records that none of the viewer's friends go to these events (known from a complete answer). */
  noFriendsGoing(eventIds: readonly string[]): void {
    const viewerId = this.access.viewerId;
    if (!viewerId) return;
    const going = this.goingLoader(viewerId);
    for (const eventId of eventIds) going.prime(eventId, []);
  }

  /** The viewer's friends going to the event; events not learnt yet are asked for together, once per batch. */
  friendsGoing(eventId: string): Promise<string[]> {
    const viewerId = this.access.viewerId;
    if (!viewerId) return Promise.resolve([]);
    return this.goingLoader(viewerId).load(eventId);
  }

  private goingLoader(viewerId: string): DataLoader<string, string[]> {
    return (this.going ??= new DataLoader(async (eventIds) => {
      const answers = await this.graph.friendsAnswers(viewerId, 'GOING', { eventIds });
      this.loaders.friendIds.prime(viewerId, answers.friendIds);
      return eventIds.map((id) => answers.byEvent.get(id) ?? []);
    }));
  }
}
