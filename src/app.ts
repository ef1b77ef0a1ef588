import type { Config } from './config.js';
import { closeDatasources, connectDatasources, createDeps, prepareStores, type DatasourceHooks, type Deps } from './deps.js';
import { seedDemoData } from './demo/seed.js';
import { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createMetrics } from './observability/metrics.js';
import { createServer, type RunningServer } from './server.js';
import { startTelemetry } from './observability/tracing.js';
import { LIVE_FEED_TOPICS, liveStatsGroupId, startLiveStatsFeed } from './subscriptions/live-stats-feed.js';

export interface App {
  deps: Deps;
  server: RunningServer;
  stop(): Promise<void>;
}

/**
 * The app as an ordered list of components: each started after the one before it and
 * stopped in reverse, so the server takes requests only once everything behind it runs
 * and stops taking them first. No side effects on import; tests use port 0.
 */
export async function startApp(config: Config, logger: Logger, hooks: DatasourceHooks = {}): Promise<App> {
  const metrics = createMetrics();
  const life = new Lifecycle(logger.child({ component: 'lifecycle' }));
  // First in, last out: spans of the shutdown itself are still exported.
  const telemetry = await life.start('tracing', () => startTelemetry(config.telemetry, hooks.spanExporter), (started) => started?.shutdown());
  const datasources = await life.start('datasources', () => connectDatasources(config, logger, metrics, hooks, telemetry?.tracer), closeDatasources);
  const deps = createDeps(config, logger, metrics, datasources);
  await life.start('store schema', () => prepareStores(deps));
  if (config.seedDemoData) await life.start('demo data', () => seedDemoData(deps));
  await life.start('outbox relay', () => deps.relay.start(), () => deps.relay.stop());
  if (config.consumers.enabled) await life.start('consumers', () => deps.consumers.start(), () => deps.consumers.stop());
  await life.start(
    'live counts feed',
    () =>
      startLiveStatsFeed({
        bus: deps.bus,
        live: deps.live,
        instanceId: config.instanceId,
        logger: logger.child({ component: 'live' }),
        onEventChanged: (eventId, details) => deps.responses.invalidate(eventId, details),
        areFriends: (a, b) => deps.graph.areFriends(a, b),
      }),
    async (feed) => {
      await feed.stop();
      deps.live.close();
    },
  );
  await life.start(
    'consumer lag',
    () => {
      // Once the groups' topics exist; the server (last) answers /health with their lag from the first request.
      if (config.consumers.enabled) for (const runner of deps.consumers.all) deps.consumerLag.watch(runner.lagQuery);
      deps.consumerLag.watch({ groupId: liveStatsGroupId(config.instanceId), topics: LIVE_FEED_TOPICS });
      deps.consumerLag.start();
    },
    () => deps.consumerLag.stop(),
  );
  await life.start('reconciliation', () => deps.reconciler.start(), () => deps.reconciler.stop());
  await life.start('reminders', () => deps.reminders.start(config.reminderIntervalSeconds * 1000), () => deps.reminders.stop());
  await life.start('housekeeping', () => deps.housekeeping.start(config.housekeeping.intervalMs), () => deps.housekeeping.stop());
  const { discovery } = deps;
  await life.start('trending warmer', () => discovery.trendingWarmer.start(config.discovery.trending.warmIntervalMs), () => discovery.trendingWarmer.stop());
  await life.start(
    'category counts warmer',
    () => discovery.categoryCountsWarmer.start(config.discovery.categoryCountsIntervalMs),
    async () => {
      await discovery.categoryCountsWarmer.stop();
      discovery.categoryCounts.stop();
    },
  );
  await life.start('view counts', () => deps.views.start(config.discovery.viewsFlushIntervalMs), () => deps.views.stop());
  const server = await life.start('server', () => createServer(deps).start(), (running) => running.stop());
  return { deps, server, stop: () => life.stop() };
}
