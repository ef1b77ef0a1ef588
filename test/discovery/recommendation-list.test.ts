import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecommendationList, type CachedRecommendation } from '../../src/domain/discovery/recommendation-list.js';

const items: CachedRecommendation[] = [
  { eventId: 'e-9', score: 12.5, reasons: [{ kind: 'FRIENDS_GOING', count: 3, friendIds: ['u-1', 'u-2', 'u-3'] }] },
  { eventId: 'e-1', score: 4, reasons: [{ kind: 'MATCHES_INTEREST', interest: 'Jazz "live"\ttab' }] },
  { eventId: 'e-2', score: 4, reasons: [{ kind: 'NEARBY', distanceKm: 1.25 }] },
  { eventId: 'e-3', score: 0.1 + 0.2, reasons: [] },
];

describe('kept recommendations (the cached list)', () => {
  it('reads back exactly what was kept, through the cache text', () => {
    const list = RecommendationList.parse(RecommendationList.of(items).text);
    assert.deepEqual(list.all(), items);
  });

  it('pages after a position in rank order, and says whether more follow', () => {
    const list = RecommendationList.parse(RecommendationList.of(items).text);
    assert.deepEqual(list.after(null, 2), { items: items.slice(0, 2), more: true });
    // Ties on score go by event id: after (4, e-1) comes (4, e-2).
    assert.deepEqual(list.after({ key: [-4], id: 'e-1' }, 2), { items: items.slice(2), more: false });
    assert.deepEqual(list.after({ key: [-4], id: 'e-2' }, 1), { items: items.slice(3), more: false });
    // A position no item holds (the item left the list) still pages from where it would have been.
    assert.deepEqual(list.after({ key: [-5], id: 'zzz' }, 10), { items: items.slice(1), more: false });
    assert.deepEqual(list.after({ key: [-0.3], id: 'e-3' }, 10), { items: [], more: false });
  });

  it('keeps an empty list empty', () => {
    assert.deepEqual(RecommendationList.parse(RecommendationList.of([]).text).after(null, 5), { items: [], more: false });
  });
});
