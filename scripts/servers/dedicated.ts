/**
 * A server of a test's own, for tests that stop, crash, freeze and restart a real server
 * in the middle (the shared servers must stay up for every other test). It keeps its
 * ports and its data across restarts, like a real server coming back.
 */
import { warn } from './log.js';
import { freePorts } from './ports.js';
import type { ServerName } from './recipe.js';
import { RECIPES, installServers } from './recipes.js';
import { killRunSync, layoutIn, newRun, saveRun, stopRun, type Run } from './runs.js';
import { ServerInstance, type StopSignal } from './server-instance.js';

export interface DedicatedServer {
  readonly name: ServerName;
  /**
   * The address in the form its variable takes: `mongodb://…` (FerretDB), `redis://…`,
   * `host:port` (Kafka), `bolt://…` (Neo4j), comma-separated `redis://…` (Redis Cluster).
   */
  readonly url: string;
  /** The same as `{ [MONGODB_URL | REDIS_URL | KAFKA_BROKERS | NEO4J_URL | REDIS_CLUSTER_URL]: url }`. */
  readonly env: Record<string, string>;
  /** Stops it gracefully (SIGTERM), or as a crash would (`'SIGKILL'`). Ports and data stay. */
  stop(signal?: StopSignal): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it answers. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers, like a hung server. */
  pause(): void;
  resume(): void;
  /** Stops it for good and removes its data (logs stay under .cache/servers/runs/). */
  dispose(): Promise<void>;
}

export interface DedicatedOptions {
  /**
   * Keep data across restarts where the server would not by default. Only Redis needs it
   * (an append-only file, fsynced per write); the others always keep their data dir.
   * Default true.
   */
  persistent?: boolean;
}

/** Runs of this process not disposed yet. */
const live = new Set<Run>();
let watching = false;

/**
 * A test process that ends without disposing (a crash, a forced exit, SIGINT or SIGTERM)
 * takes its servers along; one killed outright leaves them to the next start's reaper.
 */
function watchProcessEnd(): void {
  if (watching) return;
  watching = true;
  const killAll = () => {
    for (const run of live) killRunSync(run);
    live.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal); // our handler is gone: the default action now
    });
  }
}

/** Installs (cached) and starts one server of the caller's own; resolves once it answers. */
export async function startDedicatedServer(name: ServerName, { persistent = true }: DedicatedOptions = {}): Promise<DedicatedServer> {
  const recipe = RECIPES[name];
  await installServers([name]);
  const run = newRun(`dedicated-${name}`, false);
  const layout = layoutIn(run, recipe, await freePorts(recipe.portCount), persistent);
  const instance = new ServerInstance(recipe, layout, () => {
    run.servers[name] = instance.record;
    saveRun(run);
  });
  live.add(run);
  watchProcessEnd();
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    live.delete(run);
    await instance.stop();
    await stopRun(run);
  };
  try {
    await instance.start();
  } catch (error) {
    await dispose().catch((cleanup: Error) => warn(`${name}: cleanup after a failed start failed: ${cleanup.message}`));
    throw error;
  }
  return {
    name,
    url: instance.url,
    env: { [recipe.envVar]: instance.url },
    stop: (signal) => instance.stop(signal),
    start: () => instance.start(),
    pause: () => instance.pause(true),
    resume: () => instance.pause(false),
    dispose,
  };
}
