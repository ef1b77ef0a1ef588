/** What the live-count tests subscribe to and read back. */
export const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { eventId counts { going } } }';
export type Change = { eventStatsChanged: { eventId: string; counts: { going: number } } };
export type Errors = { message: string; extensions?: { code?: string } }[];

/** Resolves once `condition` holds (checked every turn of the event loop); rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
