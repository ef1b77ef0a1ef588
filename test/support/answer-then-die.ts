/**
 * A process that answers one event as one user and dies with SIGKILL at a chosen point
 * between the answer's writes, as a crashed or killed instance would:
 * - `before-answer`: after the seat (or waitlist place) was claimed, before the answer is written;
 * - `before-message`: after the answer was written, before the event write that carries its message.
 */
import { loadConfig } from '../../src/config.js';
import { connectDeps } from '../../src/deps.js';
import { createLogger } from '../../src/logger.js';
import type { RsvpStatus } from '../../src/domain/rsvps/model.js';

const [eventId, database, userId, point, status] = process.argv.slice(2);
if (!eventId || !database || !userId || (point !== 'before-answer' && point !== 'before-message')) {
  throw new Error('usage: answer-then-die.ts EVENT_ID DATABASE USER_ID before-answer|before-message [STATUS]');
}
const config = loadConfig({ ...process.env, NODE_ENV: 'test', MONGODB_DATABASE: database, LOG_LEVEL: 'silent' });
const { deps } = await connectDeps(config, createLogger('silent'));
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};
const saveChanged = deps.rsvps.saveChanged.bind(deps.rsvps);
let answered = false;
deps.rsvps.saveChanged = async (record) => {
  if (point === 'before-answer') return die();
  const written = await saveChanged(record);
  answered = true;
  return written;
};
const moveCounts = deps.events.moveCounts.bind(deps.events);
deps.events.moveCounts = (...args) => (answered ? die() : moveCounts(...args));
await deps.ledger.answer(eventId, userId, (status ?? 'GOING') as RsvpStatus);
process.stderr.write('the answer completed; it should have died before\n');
process.exit(2);
