import type { EventCriteria } from '../../datasources/event-repository.js';
import { BadUserInputError } from '../../errors.js';
import type { EventStatus } from './model.js';

/** The filter of `events`, also the base of discovery's filters. */
export interface EventListFilter {
  categoryId?: string | null;
  tags?: string[] | null;
  startsAfter?: Date | null;
  startsBefore?: Date | null;
  hostId?: string | null;
  status?: EventStatus | null;
}

/** An event has at most this many tags, so a filter naming more matches nothing. */
const MAX_FILTER_TAGS = 10;

/** The store criteria of a list filter (`events`, and discovery's filters). */
export function criteriaOf(filter: EventListFilter | null | undefined): EventCriteria {
  const criteria: EventCriteria = {};
  if (filter?.categoryId) criteria.categoryId = filter.categoryId;
  if (filter?.tags && filter.tags.length > MAX_FILTER_TAGS) throw new BadUserInputError(`filter.tags may name at most ${MAX_FILTER_TAGS} tags`, 'filter.tags');
  if (filter?.tags?.length) criteria.tagsAll = filter.tags.map((tag) => tag.trim().toLowerCase());
  if (filter?.startsAfter) criteria.startsAfter = filter.startsAfter;
  if (filter?.startsBefore) criteria.startsBefore = filter.startsBefore;
  if (filter?.hostId) criteria.hostId = filter.hostId;
  if (filter?.status) criteria.status = filter.status;
  return criteria;
}
