import ngeohash from 'ngeohash';
import { BadUserInputError } from '../../errors.js';

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE_LATITUDE = (Math.PI * EARTH_RADIUS_KM) / 180;

/** Cells are stored at every precision up to this one (7 characters: about 150 m × 150 m). */
export const STORED_PRECISION = 7;
/** A covering uses the finest precision that needs at most this many cells. */
const MAX_COVERING_CELLS = 32;

export const MIN_RADIUS_KM = 0.1;
export const MAX_RADIUS_KM = 500;

/** Great-circle distance (haversine) in kilometres. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The geohash cells stored with a located event: its cell at each precision from 1 to 7
 * characters, so a lookup at any of those precisions is one indexed equality.
 */
export function cellsOf(point: GeoPoint): string[] {
  const finest = ngeohash.encode(point.latitude, point.longitude, STORED_PRECISION);
  return Array.from({ length: STORED_PRECISION }, (_, i) => finest.slice(0, i + 1));
}

/** Width and height in degrees of a geohash cell of `precision` characters. */
function cellSize(precision: number): { lat: number; lon: number } {
  const bits = precision * 5;
  const lonBits = Math.ceil(bits / 2);
  return { lat: 180 / 2 ** (bits - lonBits), lon: 360 / 2 ** lonBits };
}

interface Box {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/**
 * Longitude–latitude boxes that together hold the circle: one box, or two when the circle
 * crosses the antimeridian; a circle reaching a pole spans every longitude.
 */
function boxesAround(center: GeoPoint, radiusKm: number): Box[] {
  const dLat = radiusKm / KM_PER_DEGREE_LATITUDE;
  const minLat = Math.max(-90, center.latitude - dLat);
  const maxLat = Math.min(90, center.latitude + dLat);
  if (minLat <= -90 || maxLat >= 90) return [{ minLat, maxLat, minLon: -180, maxLon: 180 }];
  // The widest the circle gets is at its latitude nearest a pole.
  const widest = Math.max(Math.abs(minLat), Math.abs(maxLat));
  const dLon = Math.min(180, dLat / Math.cos((widest * Math.PI) / 180));
  if (dLon >= 180) return [{ minLat, maxLat, minLon: -180, maxLon: 180 }];
  const west = center.longitude - dLon;
  const east = center.longitude + dLon;
  if (west < -180) return [{ minLat, maxLat, minLon: west + 360, maxLon: 180 }, { minLat, maxLat, minLon: -180, maxLon: east }];
  if (east > 180) return [{ minLat, maxLat, minLon: west, maxLon: 180 }, { minLat, maxLat, minLon: -180, maxLon: east - 360 }];
  return [{ minLat, maxLat, minLon: west, maxLon: east }];
}

function estimatedCells(boxes: Box[], precision: number): number {
  const size = cellSize(precision);
  return boxes.reduce((sum, box) => sum + (Math.ceil((box.maxLat - box.minLat) / size.lat) + 1) * (Math.ceil((box.maxLon - box.minLon) / size.lon) + 1), 0);
}

/**
 * Geohash cells that together cover the circle (a superset: candidates are then checked
 * by exact distance), at the finest stored precision that needs at most 32 cells.
 */
export function coveringCells(center: GeoPoint, radiusKm: number): string[] {
  const boxes = boxesAround(center, radiusKm);
  let precision = 1;
  for (let p = STORED_PRECISION; p >= 1; p--) {
    if (estimatedCells(boxes, p) <= MAX_COVERING_CELLS) {
      precision = p;
      break;
    }
  }
  const cells = new Set<string>();
  for (const box of boxes) for (const cell of ngeohash.bboxes(box.minLat, box.minLon, box.maxLat, box.maxLon, precision)) cells.add(cell);
  return [...cells];
}

/** A point from the API (`lat`, `lng`), or BAD_USER_INPUT naming the coordinate that is off. */
export function parsePoint(input: { lat: number; lng: number }, field: string): GeoPoint {
  if (!Number.isFinite(input.lat) || input.lat < -90 || input.lat > 90) throw new BadUserInputError(`${field}.lat must be between -90 and 90`, `${field}.lat`);
  if (!Number.isFinite(input.lng) || input.lng < -180 || input.lng > 180) throw new BadUserInputError(`${field}.lng must be between -180 and 180`, `${field}.lng`);
  return { latitude: input.lat, longitude: input.lng };
}

/** A radius between 0.1 and 500 km, or BAD_USER_INPUT naming `field`. */
export function parseRadius(radiusKm: number, field: string): number {
  if (!Number.isFinite(radiusKm) || radiusKm < MIN_RADIUS_KM || radiusKm > MAX_RADIUS_KM) {
    throw new BadUserInputError(`${field} must be between ${MIN_RADIUS_KM} and ${MAX_RADIUS_KM} km`, field);
  }
  return radiusKm;
}
