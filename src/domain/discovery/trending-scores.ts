import type { CategoryRepository } from '../../datasources/category-repository.js';
import type { EventRepository, StoredTrend } from '../../datasources/event-repository.js';
import type { Logger } from '../../logger.js';
import type { EventRecord } from '../events/model.js';
import { addInteraction, trendRank, type TrendingSettings } from './scoring.js';
import type { TrendingBoard } from './trending-board.js';

/** Compare-and-set rounds for one interaction before giving up (another writer kept changing the event). */
const MAX_ROUNDS = 5;

export interface TrendingScoresDeps {
  events: Pick<EventRepository, 'findRanked' | 'recordTrend' | 'notEndedRanked'>;
  categories: Pick<CategoryRepository, 'all'>;
  board: TrendingBoard;
  settings: TrendingSettings;
  logger: Logger;
}

/** Whether an event belongs on the trending board now: active and not over. */
export function trends(event: EventRecord, now: Date): boolean {
  return event.status === 'ACTIVE' && !event.deleted && event.endsAt.getTime() > now.getTime();
}

/**
 * Trending scores: each interaction decays the event's stored score to its time and adds
 * its weight (in the store, with the event — the truth the board is rebuilt from), then
 * moves the event on the board. A failing board only makes the board stale until the next
 * rebuild; it never fails the interaction, so a redelivered message cannot count twice
 * for a Redis outage.
 */
export class TrendingScores {
  constructor(private readonly deps: TrendingScoresDeps) {}

  /** Adds an interaction of `weight` at `at` to the event's score. */
  async record(eventId: string, weight: number, at: Date): Promise<void> {
    if (weight <= 0) return;
    const { halfLifeMs } = this.deps.settings;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const found = await this.deps.events.findRanked(eventId);
      if (!found) return;
      const next = addInteraction(found.trend, weight, at, halfLifeMs);
      const stored: StoredTrend = { ...next, rank: trendRank(next, halfLifeMs) };
      if (await this.deps.events.recordTrend(eventId, stored, found.trend)) {
        await this.show(found.event, stored.rank, []);
        return;
      }
    }
    throw new Error(`event ${eventId} kept changing during ${MAX_ROUNDS} attempts to record a trending interaction`);
  }

  /** Puts the event where it belongs now (after a change of category, schedule or status, a cancellation or deletion). */
  async reposition(eventId: string, categoryChanged = false): Promise<void> {
    const found = await this.deps.events.findRanked(eventId);
    const everyCategory = categoryChanged || !found ? (await this.deps.categories.all()).map((category) => category._id) : [];
    if (!found) {
      await this.hide(eventId, everyCategory);
      return;
    }
    await this.show(found.event, found.trend?.rank ?? null, everyCategory);
  }

  /** Rebuilds the whole board from the store: every event that has not ended and has a score. */
  async rebuild(now = new Date()): Promise<number> {
    const entries = [];
    for await (const page of this.deps.events.notEndedRanked(now)) {
      for (const { event, trend } of page) if (trend && trends(event, now)) entries.push({ id: event._id, categoryId: event.categoryId, rank: trend.rank });
    }
    const categoryIds = (await this.deps.categories.all()).map((category) => category._id);
    await this.deps.board.rebuild(entries, categoryIds);
    return entries.length;
  }

  private async show(event: EventRecord, rank: number | null, staleCategories: readonly string[]): Promise<void> {
    try {
      if (staleCategories.length > 0) await this.deps.board.remove(event._id, staleCategories);
      if (rank !== null && Number.isFinite(rank) && trends(event, new Date())) await this.deps.board.place({ id: event._id, categoryId: event.categoryId, rank });
      else await this.deps.board.remove(event._id, event.categoryId ? [event.categoryId] : []);
    } catch (error) {
      this.deps.logger.warn({ err: error, eventId: event._id }, 'trending: board not updated; the next rebuild repairs it');
    }
  }

  private async hide(eventId: string, categoryIds: readonly string[]): Promise<void> {
    try {
      await this.deps.board.remove(eventId, categoryIds);
    } catch (error) {
      this.deps.logger.warn({ err: error, eventId }, 'trending: board not updated; the next rebuild repairs it');
    }
  }
}
