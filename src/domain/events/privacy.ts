import type { Viewer } from '../users/model.js';
import type { EventRecord } from './model.js';

/** Facts about the viewer that privacy rules need, loaded once per request. */
export interface ViewerRelations {
  friendIds: ReadonlySet<string>;
  /** Events the viewer was invited to or answered. */
  memberEventIds: ReadonlySet<string>;
}

export const noRelations: ViewerRelations = { friendIds: new Set(), memberEventIds: new Set() };

export function isHost(event: EventRecord, viewer: Viewer): boolean {
  return viewer.kind === 'user' && event.hostId === viewer.id;
}

export function isOrganizer(event: EventRecord, viewer: Viewer): boolean {
  return viewer.kind === 'user' && (event.hostId === viewer.id || event.coHostIds.includes(viewer.id));
}

/** PUBLIC: everyone; FRIENDS: host's friends and members; PRIVATE: organisers and members. */
export function canView(event: EventRecord, viewer: Viewer, relations: ViewerRelations): boolean {
  if (event.privacy === 'PUBLIC') return true;
  if (viewer.kind !== 'user') return false;
  if (isOrganizer(event, viewer) || relations.memberEventIds.has(event._id)) return true;
  return event.privacy === 'FRIENDS' && relations.friendIds.has(event.hostId);
}

/**
 * Who may attend sees the virtual link: organisers and members always; signed-in
 * viewers of a PUBLIC or FRIENDS event they can see.
 */
export function canSeeVirtualLink(event: EventRecord, viewer: Viewer, relations: ViewerRelations): boolean {
  if (viewer.kind !== 'user') return false;
  if (isOrganizer(event, viewer) || relations.memberEventIds.has(event._id)) return true;
  return event.privacy !== 'PRIVATE' && canView(event, viewer, relations);
}
