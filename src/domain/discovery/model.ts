import type { Page } from '../../datasources/paging.js';
import type { EventRecord } from '../events/model.js';
import type { RecommendationReason } from './scoring.js';

/** An event found near a point, with its distance. */
export interface NearbyEdge {
  event: EventRecord;
  distanceKm: number;
}

export type NearbyPage = Page<NearbyEdge>;

/** A connection edge: the item and its cursor. */
export type NearbyEdgeModel = NearbyEdge & { cursor: string };

export interface Recommendation {
  event: EventRecord;
  score: number;
  reasons: RecommendationReason[];
}

export type RecommendationPage = Page<Recommendation>;

export type RecommendationEdgeModel = Recommendation & { cursor: string };

export type RecommendationReasonModel = RecommendationReason;

export interface FriendsGoingModel {
  count: number;
  /** The first few, in a stable order. */
  friendIds: string[];
}

export interface FriendBirthdayModel {
  userId: string;
  month: number;
  day: number;
  /** YYYY-MM-DD of the next celebration. */
  nextOn: string;
  inDays: number;
}
