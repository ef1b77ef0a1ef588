/**
 * The events subgraph as a benchmark target: embedded twins, demo data, production
 * settings, rate limits out of the way. Started by bench/run.ts as a child process (pinned
 * to one core); reports its port over the IPC channel, or on stdout when run by hand:
 *
 *   NODE_ENV=production npx tsx bench/subgraph-server.ts
 *
 * BENCH_APP_ENV (JSON object) overrides or adds app settings, e.g. real store URLs.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { ChildMessage, ParentMessage } from './lib/ipc.js';
import { mapProfileToSources } from './lib/profile-sources.js';
import { SUBGRAPH_BENCH_ENV } from './lib/subgraph-env.js';

const REPO_URL = new URL('..', import.meta.url).href;

function report(message: ChildMessage): void {
  if (process.send) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** CPU profiling on request of the parent, so a profile covers one measured run only. */
function serveProfiling(): void {
  let session: Session | undefined;
  process.on('message', (message: ParentMessage) => {
    void (async () => {
      if (message.type === 'profile-start') {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        report({ type: 'profile-started' });
      } else if (message.type === 'profile-stop' && session) {
        const { profile } = await session.post('Profiler.stop');
        // Our TypeScript (not node_modules): tsx-compiled, so map positions back to the sources.
        await mapProfileToSources(session, profile, (url) => url.startsWith(REPO_URL) && !url.includes('/node_modules/'));
        writeFileSync(message.file, JSON.stringify(profile));
        session.disconnect();
        session = undefined;
        report({ type: 'profile-written', file: message.file });
      }
    })().catch((error: unknown) => report({ type: 'error', message: `profiling: ${String(error)}` }));
  });
}

async function main(): Promise<void> {
  // performance.now() counts from this process's start: node boot plus all (tsx-compiled) imports.
  const importsDoneMs = performance.now();
  const overrides = JSON.parse(process.env.BENCH_APP_ENV ?? '{}') as Record<string, string>;
  // Only the bench settings and explicit overrides: the shell's PORT, NODE_ENV etc. do not leak in.
  const config = loadConfig({ ...SUBGRAPH_BENCH_ENV, ...overrides });
  const logger = createLogger(config.logLevel);
  const app: App = await startApp(config, logger);
  const appStartedMs = performance.now();

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'bench subgraph: stopping');
    // Bounded: a stuck drain must not keep the benchmark waiting.
    const timer = setTimeout(() => process.exit(0), 3_000);
    timer.unref();
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // The parent went away (even if it was killed): do not outlive it.
  process.once('disconnect', () => stop('parent disconnected'));

  if (process.send) serveProfiling();
  report({ type: 'listening', port: app.server.port, pid: process.pid, timings: { importsDoneMs, appStartedMs } });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    report({ type: 'error', message });
  } finally {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
});
