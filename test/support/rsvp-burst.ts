/**
 * A process that answers one event as many users as fast as it can, printing
 * `answered N` as it goes, until it is killed. Used to prove that a crash in the
 * middle of a burst leaves nothing the reconciliation cannot repair.
 */
import { loadConfig } from '../../src/config.js';
import { connectDeps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import type { RsvpStatus } from '../../src/domain/rsvps/model.js';

const [eventId, database] = process.argv.slice(2);
if (!eventId || !database) throw new Error('usage: rsvp-burst.ts EVENT_ID DATABASE');
const config = loadConfig({ ...process.env, NODE_ENV: 'test', MONGODB_DATABASE: database, LOG_LEVEL: 'silent' });
const logger = createLogger('silent');
const { deps } = await connectDeps(config, logger);
const statuses: RsvpStatus[] = ['GOING', 'MAYBE', 'INTERESTED', 'NOT_GOING', 'GOING'];
let answered = 0;
for (let i = 0; ; i++) {
  // Many answers in flight at once, so a kill lands between the two writes of some.
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, j) => deps.ledger.answer(eventId, `burst-user-${(i * 10 + j) % 60}`, statuses[(i + j) % statuses.length]!)),
  );
  for (const result of results) if (result.status === 'rejected') process.stderr.write(`answer failed: ${String(result.reason)}\n`);
  answered += 10;
  process.stdout.write(`answered ${answered}\n`);
}
