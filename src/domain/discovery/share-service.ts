import type { KeyValueStore } from '../../datasources/cache.js';
import type { EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import type { EventRecord } from '../events/model.js';
import { requireId } from '../ids.js';
import { EventShared, type SHARE_CHANNELS } from '../messaging/event-messages.js';
import { callerKey, type ViewerAccess } from '../viewer-access.js';
import { utcDay } from './views.js';

export type ShareChannel = (typeof SHARE_CHANNELS)[number];

/** A person's shares of one event count once a day; the marker outlives the day. */
const SHARE_MARKER_TTL_SECONDS = 2 * 86_400;

export interface ShareServiceDeps {
  events: Pick<EventRepository, 'countShare'>;
  /** Once-only markers per person, event and day. */
  kv: Pick<KeyValueStore, 'setIfAbsent'>;
  eventSource: string;
}

/** Shares: counted on the event and published as `event.shared`, which feeds trending. */
export class ShareService {
  constructor(
    private readonly deps: ShareServiceDeps,
    private readonly access: ViewerAccess,
    private readonly clientKey: string,
    private readonly loaders: Pick<Loaders, 'eventById'>,
  ) {}

  /**
   * Counts a share of an event the viewer can see (NOT_FOUND otherwise) once per person
   * (or anonymous client), event and day: sharing again the same day changes nothing. While
   * Redis is away every share counts.
   */
  async share(eventId: string, channel: ShareChannel): Promise<EventRecord> {
    requireId(eventId, 'eventId');
    const event = await this.access.visibleEventOrNotFound(eventId, 'eventId');
    const now = new Date();
    const marker = `share:${event._id}:${callerKey(this.access.viewer, this.clientKey)}:${utcDay(now)}`;
    const first = await this.deps.kv.setIfAbsent(marker, '1', SHARE_MARKER_TTL_SECONDS).catch(() => true);
    if (!first) return event;
    const message = EventShared.create(this.deps.eventSource, event._id, { eventId: event._id, channel, sharedBy: this.access.viewerId }, now);
    const updated = await this.deps.events.countShare(event._id, [message]);
    if (!updated) return event;
    this.loaders.eventById.clear(updated._id).prime(updated._id, updated);
    return updated;
  }
}
