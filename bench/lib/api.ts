/** Setting up benchmark data through the subgraph's public API, as users would. */
import { signToken } from '../../src/auth.js';
import { graphql } from './http.js';
import { progress } from './log.js';
import { BENCH_JWT_SECRET } from './subgraph-env.js';

const CREATE_EVENT = 'mutation BenchCreateEvent($input: CreateEventInput!) { createEvent(input: $input) { id } }';

/** Creates a PUBLIC event without capacity, a week or more ahead, as the holder of `token`. */
export async function createPublicEvent(port: number, token: string, title: string, daysAhead = 7): Promise<string> {
  const startsAt = new Date(Date.now() + daysAhead * 24 * 3600_000);
  const input = {
    title,
    description: 'created by the benchmark',
    privacy: 'PUBLIC',
    tags: ['bench'],
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * 3600_000).toISOString(),
    timeZone: 'Europe/Paris',
    location: { name: 'Bench Hall', address: '1 Rue de Rivoli', latitude: 48.8566, longitude: 2.3522 },
  };
  return (await graphql<{ createEvent: { id: string } }>(port, CREATE_EVENT, { input }, token)).createEvent.id;
}

/** A bearer token for `userId` (the benchmark subgraph's secret). */
export function userToken(userId: string): Promise<string> {
  return signToken(BENCH_JWT_SECRET, userId, '2h');
}

/** Tokens of users `<prefix>-0` … `<prefix>-<size - 1>`. */
export async function signTokens(prefix: string, size: number): Promise<string[]> {
  const started = performance.now();
  const tokens: string[] = [];
  // In slices, so a large pool does not hold every pending promise at once.
  for (let from = 0; from < size; from += 2_000) {
    const slice = Array.from({ length: Math.min(2_000, size - from) }, (_, i) => userToken(`${prefix}-${from + i}`));
    tokens.push(...(await Promise.all(slice)));
  }
  progress('signed user tokens', { users: size, ms: Math.round(performance.now() - started) });
  return tokens;
}
