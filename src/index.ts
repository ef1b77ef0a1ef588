import { signToken } from './auth.js';
import { loadConfig, ConfigError } from './config.js';
import { DEMO_VIEWER } from './demo/seed.js';
import { createLogger } from './logger.js';
import { startApp } from './app.js';

async function main() {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);
  logger.info({ url: app.server.url, ms: Date.now() - started, instanceId: config.instanceId }, `events subgraph ready at ${app.server.url}`);
  if (config.auth.demo && config.auth.secret) {
    const token = await signToken(config.auth.secret, DEMO_VIEWER, '30d');
    logger.info({ userId: DEMO_VIEWER, token }, 'demo token (development only): send it as "Authorization: Bearer <token>"');
    process.stdout.write(`\nDemo user ${DEMO_VIEWER}; add this header in Sandbox:\n  Authorization: Bearer ${token}\n\n`);
  }
  const shutdown = (signal: string) => {
    const began = Date.now();
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: no new work; draining requests, closing sockets, flushing the outbox');
    // The orchestrator kills the process after its grace period; better to go a little before, saying why.
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.stop().then(
      () => {
        logger.info({ ms: Date.now() - began }, 'shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'start-up failed', err: String(error instanceof Error ? error.stack : error) })}\n`);
  }
  process.exit(1);
});
