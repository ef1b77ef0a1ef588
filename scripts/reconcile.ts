/**
 * `npm run reconcile`: recomputes every event's answer counts from the answer records,
 * repairs drift, promotes from waitlists where seats are free, and flushes the outbox.
 * Uses the same environment as the service (see README).
 */
import { loadConfig } from '../src/config.js';
import { connectDeps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, { component: 'reconcile' });
const { deps, close } = await connectDeps(config, logger);
try {
  const started = Date.now();
  const result = await deps.reconciler.runOnce(process.argv.includes('--recent') ? undefined : null);
  logger.info({ ...result, ms: Date.now() - started }, 'reconcile: finished');
} finally {
  await deps.relay.stop();
  await close();
}
