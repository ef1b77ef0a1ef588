import type { Config } from './config.js';
import { TOPICS } from './domain/messaging/cloud-event.js';
import { closeDeps, connectDatasources, createDeps, type DatasourceHooks, type Deps } from './deps.js';
import { seedDemoData } from './demo/seed.js';
import type { Logger } from './logger.js';
import { createServer, type RunningServer } from './server.js';
import { liveStatsGroupId, startLiveStatsFeed } from './subscriptions/live-stats-feed.js';

export interface App {
  deps: Deps;
  server: RunningServer;
  stop(): Promise<void>;
}

/** Connects, prepares and serves; no side effects on import. Tests use port 0. */
export async function startApp(config: Config, logger: Logger, hooks: DatasourceHooks = {}): Promise<App> {
  const deps = await createDeps(config, logger, await connectDatasources(config, logger, hooks));
  if (config.seedDemoData) await seedDemoData(deps);
  // Watched before serving: /health reports the groups' lag from the broker while they join.
  if (config.consumers.enabled) for (const runner of deps.consumers.all) deps.consumerLag.watch(runner.lagQuery);
  deps.consumerLag.watch({ groupId: liveStatsGroupId(config.instanceId), topics: [TOPICS.events] });
  const server = await createServer(deps).start();
  if (config.consumers.enabled) {
    await deps.consumers.start().catch(async (error: unknown) => {
      await server.stop();
      await closeDeps(deps);
      throw error;
    });
  }
  const feeds = [await startLiveStatsFeed(deps.bus, deps.live, config.instanceId, logger.child({ component: 'live' }))];
  deps.consumerLag.start();
  deps.reconciler.start();
  deps.reminders.start(config.reminderIntervalSeconds * 1000);
  deps.housekeeping.start(config.housekeeping.intervalMs);
  let stopping: Promise<void> | undefined;
  return {
    deps,
    server,
    stop: () =>
      (stopping ??= (async () => {
        await server.stop();
        await Promise.allSettled(feeds.map((feed) => feed.stop()));
        await closeDeps(deps);
      })()),
  };
}
