/**
 * Starting a set of servers together on free loopback ports, each with a fresh data dir
 * (what `npm test` and the CLI's `start` do).
 */
import { info, secondsSince, warn } from './log.js';
import { rel } from './paths.js';
import { freePorts } from './ports.js';
import { SERVER_NAMES, type ServerName } from './recipe.js';
import { RECIPES, installServers } from './recipes.js';
import { envOf, killRunSync, layoutIn, newRun, reapAndPrune, saveRun, stopRun, type Run } from './runs.js';
import { ServerInstance } from './server-instance.js';

export interface StartOptions {
  /** Leave them running after this process exits (the CLI's `start`); else they die with it. */
  detached?: boolean;
  /** Which servers (default: all). */
  servers?: readonly ServerName[];
}

export interface StartedServers {
  /** Each server's address under the variable the app and the tests read. */
  env: Record<string, string>;
  run: Run;
  stop(): Promise<void>;
}

/** Splits one batch of free ports among the recipes, in order. */
async function portsFor(names: readonly ServerName[]): Promise<Map<ServerName, number[]>> {
  const all = await freePorts(names.reduce((sum, name) => sum + RECIPES[name].portCount, 0));
  return new Map(names.map((name) => [name, all.splice(0, RECIPES[name].portCount)]));
}

/** Installs what is missing, then starts the servers in parallel; resolves once each answers. */
export async function startServers({ detached = false, servers: names = SERVER_NAMES }: StartOptions = {}): Promise<StartedServers> {
  const t0 = Date.now();
  await installServers(names);
  await reapAndPrune();
  const run = newRun(detached ? 'cli' : 'shared', detached);
  const persist = () => saveRun(run);

  // Ctrl-C or a kill while starting (and, for library runs, while tests run) stops the servers.
  let stopping: Promise<void> | null = null;
  const instances: ServerInstance[] = [];
  const stop = () =>
    (stopping ??= (async () => {
      removeHandlers();
      info('stopping servers', { run: run.runId });
      await Promise.all(instances.map((instance) => instance.stop().catch((error: Error) => warn(`${instance.recipe.name}: stop failed: ${error.message}`))));
      await stopRun(run);
      info('servers stopped');
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    warn(`received ${signal}; stopping servers`);
    void stop().finally(() => process.kill(process.pid, signal)); // handlers removed: the default action now
  };
  const onExit = () => killRunSync(run);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeHandlers = () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
    process.removeListener('exit', onExit);
  };
  for (const signal of signals) process.once(signal, onSignal);
  process.on('exit', onExit);

  const ports = await portsFor(names);
  info('starting servers in parallel', { run: rel(run.dir), ports: Object.fromEntries(ports) });
  for (const name of names) {
    const recipe = RECIPES[name];
    const instance = new ServerInstance(recipe, layoutIn(run, recipe, ports.get(name)!, false), () => {
      run.servers[name] = instance.record;
      persist();
    });
    instances.push(instance);
  }
  // The first server that fails stops all the others at once (no waiting for their
  // timeouts); their resulting errors are only consequences and are reported as such.
  const failures: { name: ServerName; error: Error; consequence: boolean }[] = [];
  await Promise.all(
    instances.map((instance) =>
      instance.start().catch((error: Error) => {
        failures.push({ name: instance.recipe.name, error, consequence: stopping !== null });
        void stop();
      }),
    ),
  );
  if (failures.length > 0) {
    await stop();
    throw new Error(startFailure(failures));
  }
  run.readyAt = new Date().toISOString();
  persist();
  if (detached) removeHandlers(); // from now on the CLI's `stop` owns them
  const env = envOf(run);
  info(`all servers ready in ${secondsSince(t0)}s`, env);
  return { env, stop, run };
}

function startFailure(failures: { name: ServerName; error: Error; consequence: boolean }[]): string {
  const causes = failures.filter((failure) => !failure.consequence);
  const others = failures.filter((failure) => failure.consequence).map((failure) => failure.name);
  if (causes.length === 0) return `test servers: start interrupted, all stopped (${others.join(', ')} were not ready yet)`;
  const stoppedToo = others.length > 0 ? ` (${others.join(', ')} stopped because of that)` : '';
  return `test servers could not start: ${causes.map((cause) => cause.name).join(', ')} failed${stoppedToo}\n\n${causes.map((cause) => cause.error.message).join('\n\n')}`;
}
