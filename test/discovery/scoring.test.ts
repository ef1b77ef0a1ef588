import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addInteraction, answerWeight, recommend, scoreAt, trendRank } from '../../src/domain/discovery/scoring.js';

const HOUR = 3600_000;
const halfLifeMs = 24 * HOUR;
const at = (hours: number) => new Date(Date.UTC(2030, 0, 1) + hours * HOUR);
const weights = { rsvp: 3, share: 5, view: 0.5, post: 2 };

describe('trending score', () => {
  it('halves an interaction every half-life and adds new ones at full weight', () => {
    const first = addInteraction(null, 4, at(0), halfLifeMs);
    assert.deepEqual(first, { score: 4, at: at(0) });
    const later = addInteraction(first, 1, at(24), halfLifeMs);
    assert.equal(later.score, 3);
    assert.deepEqual(later.at, at(24));
    assert.ok(Math.abs(scoreAt(trendRank(later, halfLifeMs), at(48), halfLifeMs) - 1.5) < 1e-9);
  });

  it('gives the same score whatever order interactions arrive in', () => {
    const inOrder = addInteraction(addInteraction(null, 2, at(0), halfLifeMs), 6, at(12), halfLifeMs);
    const reversed = addInteraction(addInteraction(null, 6, at(12), halfLifeMs), 2, at(0), halfLifeMs);
    assert.ok(Math.abs(trendRank(inOrder, halfLifeMs) - trendRank(reversed, halfLifeMs)) < 1e-9);
  });

  it('ranks recent activity above more activity long ago, and the order holds as time passes', () => {
    const old = addInteraction(null, 40, at(0), halfLifeMs); // 40 points four days ago
    const fresh = addInteraction(null, 5, at(96), halfLifeMs); // 5 points now
    assert.ok(trendRank(fresh, halfLifeMs) > trendRank(old, halfLifeMs));
    for (const hours of [96, 200, 10_000]) {
      assert.ok(scoreAt(trendRank(fresh, halfLifeMs), at(hours), halfLifeMs) > scoreAt(trendRank(old, halfLifeMs), at(hours), halfLifeMs));
    }
    // Years of activity stay finite: a rank never needs rescaling.
    assert.ok(Number.isFinite(trendRank(addInteraction(null, 1, at(24 * 365 * 30), halfLifeMs), halfLifeMs)));
  });

  it('weighs a new GOING fully, INTERESTED or MAYBE half, and nothing for NOT_GOING, withdrawals or repeats', () => {
    assert.equal(answerWeight('GOING', null, weights), 3);
    assert.equal(answerWeight('INTERESTED', null, weights), 1.5);
    assert.equal(answerWeight('MAYBE', 'NOT_GOING', weights), 1.5);
    assert.equal(answerWeight('GOING', 'INTERESTED', weights), 1.5);
    assert.equal(answerWeight('INTERESTED', 'GOING', weights), 0);
    assert.equal(answerWeight('NOT_GOING', null, weights), 0);
    assert.equal(answerWeight(null, 'GOING', weights), 0);
  });
});

describe('recommendation score', () => {
  it('is friends going × 2 + popularity × 0.1, plus interests and closeness, with reasons strongest first', () => {
    const result = recommend({ friendsGoing: ['f1', 'f2', 'f3', 'f4'], interests: ['music'], distanceKm: 12.5, popularity: 30 });
    assert.ok(result);
    assert.equal(result.score, 4 * 2 + 30 * 0.1 + 1.5 + 2 * (1 - 12.5 / 25));
    assert.deepEqual(
      result.reasons.map((reason) => reason.kind),
      ['FRIENDS_GOING', 'POPULAR', 'MATCHES_INTEREST', 'NEARBY'],
    );
    assert.deepEqual(result.reasons[0], { kind: 'FRIENDS_GOING', count: 4, friendIds: ['f1', 'f2', 'f3'] });
    assert.deepEqual(result.reasons[1], { kind: 'POPULAR', count: 30 });
  });

  it('recommends nothing without a reason, and far or unpopular events only by what they have', () => {
    assert.equal(recommend({ friendsGoing: [], interests: [], distanceKm: 80, popularity: 3 }), null);
    const near = recommend({ friendsGoing: [], interests: [], distanceKm: 0, popularity: 3 });
    assert.deepEqual(near, { score: 2 + 0.3, reasons: [{ kind: 'NEARBY', distanceKm: 0 }] });
  });
});
