import type { LookupFields } from '../../datasources/event-repository.js';
import { cellsOf } from './geo.js';
import { searchTokensOf } from './search-text.js';

/**
 * What discovery stores with each event so that search and nearby are index lookups on
 * any MongoDB-compatible store (no `$text`, no `$geoNear`): the search tokens of its
 * title, tags and description, and the geohash cells of its venue (none for an
 * online-only event, which therefore never shows up nearby).
 */
export const discoveryLookups: LookupFields = {
  sources: ['title', 'description', 'tags', 'location'],
  of: (event) => ({
    searchTokens: searchTokensOf(event),
    geoCells: event.location ? cellsOf(event.location) : [],
  }),
};
