import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ngeohash from 'ngeohash';
import { cellsOf, coveringCells, distanceKm, parsePoint, parseRadius, type GeoPoint } from '../../src/domain/discovery/geo.js';

/** A point `km` away from `from` on bearing `bearing` (degrees), on the sphere. */
function destination(from: GeoPoint, km: number, bearing: number): GeoPoint {
  const R = 6371.0088;
  const rad = Math.PI / 180;
  const [lat1, lon1, theta, delta] = [from.latitude * rad, from.longitude * rad, bearing * rad, km / R];
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(delta) + Math.cos(lat1) * Math.sin(delta) * Math.cos(theta));
  const lon2 = lon1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(lat1), Math.cos(delta) - Math.sin(lat1) * Math.sin(lat2));
  return { latitude: lat2 / rad, longitude: ((((lon2 / rad + 540) % 360) + 360) % 360) - 180 };
}

/** Whether a stored event at `point` is found by a lookup of the covering cells. */
const covered = (cells: string[], point: GeoPoint) => cellsOf(point).some((cell) => cells.includes(cell));

describe('geo', () => {
  it('measures great-circle distances', () => {
    const paris = { latitude: 48.8566, longitude: 2.3522 };
    const london = { latitude: 51.5072, longitude: -0.1276 };
    assert.ok(Math.abs(distanceKm(paris, london) - 343.5) < 1);
    assert.equal(distanceKm(paris, paris), 0);
    // Across the antimeridian: 0.2° of longitude at the equator, not 359.8°.
    assert.ok(Math.abs(distanceKm({ latitude: 0, longitude: 179.9 }, { latitude: 0, longitude: -179.9 }) - 22.24) < 0.1);
    // Near the pole, opposite longitudes are close.
    assert.ok(distanceKm({ latitude: 89.99, longitude: 0 }, { latitude: 89.99, longitude: 180 }) < 2.3);
  });

  it('stores a cell at every precision from 1 to 7', () => {
    const cells = cellsOf({ latitude: 48.8566, longitude: 2.3522 });
    assert.deepEqual(cells, ['u', 'u0', 'u09', 'u09t', 'u09tv', 'u09tvw', 'u09tvw0']);
    assert.equal(ngeohash.encode(48.8566, 2.3522, 7), cells.at(-1));
  });

  for (const [label, center] of [
    ['a city', { latitude: 48.8566, longitude: 2.3522 }],
    ['the antimeridian', { latitude: -16.5, longitude: 179.95 }],
    ['the other side of the antimeridian', { latitude: 64.8, longitude: -179.99 }],
    ['the north pole', { latitude: 89.98, longitude: 45 }],
    ['the south pole', { latitude: -89.9, longitude: -120 }],
    ['the equator at the prime meridian', { latitude: 0, longitude: 0 }],
  ] as const) {
    it(`covers every point of a circle around ${label}, at every radius`, () => {
      for (const radius of [0.1, 1, 7.5, 40, 200, 500]) {
        const cells = coveringCells(center, radius);
        assert.ok(cells.length <= 64, `${cells.length} cells for ${radius} km`);
        for (let bearing = 0; bearing < 360; bearing += 15) {
          for (const fraction of [0, 0.5, 0.999]) {
            const point = destination(center, radius * fraction, bearing);
            assert.ok(distanceKm(center, point) <= radius + 1e-6);
            assert.ok(covered(cells, point), `${radius} km, bearing ${bearing}, ${fraction}: ${JSON.stringify(point)} not covered`);
          }
        }
      }
    });
  }

  it('refuses coordinates and radii out of range, naming the field', () => {
    const codeAndField = (run: () => unknown, field: string) =>
      assert.throws(run, (error: { extensions?: { code?: string; field?: string } }) => error.extensions?.code === 'BAD_USER_INPUT' && error.extensions.field === field);
    codeAndField(() => parsePoint({ lat: 91, lng: 0 }, 'near'), 'near.lat');
    codeAndField(() => parsePoint({ lat: 0, lng: -180.5 }, 'near'), 'near.lng');
    codeAndField(() => parsePoint({ lat: Number.NaN, lng: 0 }, 'filter.near'), 'filter.near.lat');
    codeAndField(() => parseRadius(0.05, 'radiusKm'), 'radiusKm');
    codeAndField(() => parseRadius(500.5, 'radiusKm'), 'radiusKm');
    assert.equal(parseRadius(0.1, 'radiusKm'), 0.1);
    assert.equal(parseRadius(500, 'radiusKm'), 500);
    assert.deepEqual(parsePoint({ lat: -90, lng: 180 }, 'near'), { latitude: -90, longitude: 180 });
  });
});
