/**
 * npm run servers -- <verb>
 *
 *   install            install, build or resolve what is missing (cached)
 *   start              start detached, record them in .cache/servers/state.json and print
 *                      `export VAR=...` lines: eval "$(npm run -s servers start)"
 *   env                print the `export VAR=...` lines again
 *   status             pids, ports and whether each answers (exit 1 unless all do)
 *   stop [RUN_ID]      stop exactly the processes `start` started (and any left behind by
 *                      a killed test run); with RUN_ID only that run (a dir under .cache/servers/runs/)
 *   run -- CMD ...     start, run CMD with the variables set, stop; exit with CMD's code
 *
 * Progress goes to stderr as JSON lines; stdout carries only the `export` lines and status.
 * Knobs: JAVA_HOME, TEST_SERVERS_KEEP_DATA=1 (keep data dirs after stop),
 * TEST_SERVERS_START_TIMEOUT_MS (every server's readiness timeout).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { withLock } from './lock.js';
import { info, log } from './log.js';
import { RUNS, STATE_FILE, rel } from './paths.js';
import { isSameProcess } from './processes.js';
import { SERVER_NAMES } from './recipe.js';
import { RECIPES, installServers } from './recipes.js';
import { currentCliRun, envOf, loadRun, reapAndPrune, saveRun, stopRun, type Run } from './runs.js';
import type { ServerRecord } from './server-instance.js';
import { startServers } from './start-servers.js';

function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

async function health(server: ServerRecord) {
  const alive = server.processes.length > 0 && server.processes.every((process) => isSameProcess(process.pid, process.startTime));
  const layout = { dir: '', dataDir: '', ports: server.ports, persistent: false };
  const probes = alive ? RECIPES[server.name].processes(layout).map((spec) => spec.probe()) : [];
  const answers = alive && (await Promise.all(probes).then(() => true, () => false));
  return { name: server.name, url: server.url, alive, answers, processes: server.processes };
}

async function healthOf(run: Run) {
  const servers = await Promise.all(Object.values(run.servers).map(health));
  return { servers, healthy: servers.length === SERVER_NAMES.length && servers.every((server) => server.answers) };
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function start(): Promise<number> {
  return withLock('start', async () => {
    const existing = currentCliRun();
    if (existing && !existing.stoppedAt) {
      if ((await healthOf(existing)).healthy) {
        info('servers already running', { run: existing.runId });
        print(exportLines(envOf(existing)));
        return 0;
      }
      info('previous servers are not all healthy; stopping them and starting afresh', { run: existing.runId });
      await stopRun(existing);
    }
    const { env, run } = await startServers({ detached: true });
    saveRun(run, STATE_FILE);
    info(`state written to ${rel(STATE_FILE)}; stop with: npm run servers stop`);
    print(exportLines(env));
    return 0;
  });
}

async function stop(runId: string | undefined): Promise<number> {
  if (runId) {
    const run = loadRun(path.join(RUNS, path.basename(runId), 'state.json'));
    if (!run) throw new Error(`no run ${runId} under ${rel(RUNS)}`);
    await stopRun(run);
    info('stop: done', { run: run.runId });
    return 0;
  }
  return withLock('start', async () => {
    const run = currentCliRun();
    if (run) await stopRun(run);
    else info('no servers started by `start` are recorded');
    // Also servers of other `start`s whose state.json pointer was lost, and anything a killed test run left behind.
    await reapAndPrune({ detachedToo: true });
    info('stop: done');
    return 0;
  });
}

async function runCommand(command: string[]): Promise<number> {
  if (command.length === 0) throw new Error('usage: npm run servers -- run -- CMD [ARGS...]');
  const { env, stop } = await startServers();
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
      child.on('error', (error) => {
        log('error', `cannot run ${command[0]}: ${error.message}`);
        resolve(127);
      });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
    });
  } finally {
    await stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case 'install':
      await installServers();
      return 0;
    case 'start':
      return start();
    case 'env': {
      const run = currentCliRun();
      if (!run) {
        process.stderr.write('no servers started by `npm run servers start`\n');
        return 1;
      }
      print(exportLines(envOf(run)));
      return 0;
    }
    case 'status': {
      const run = currentCliRun();
      if (!run) {
        print(JSON.stringify({ running: false }, null, 2));
        return 1;
      }
      const { servers, healthy } = await healthOf(run);
      print(JSON.stringify({ running: true, healthy, run: run.runId, startedAt: run.startedAt, servers }, null, 2));
      return healthy ? 0 : 1;
    }
    case 'stop':
      return stop(rest[0]);
    case 'run':
      return runCommand(rest[0] === '--' ? rest.slice(1) : rest);
    default:
      process.stderr.write('usage: npm run servers -- install | start | env | status | stop [RUN_ID] | run -- CMD [ARGS...]\n');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    log('error', error.message.split('\n')[0] ?? 'failed', { detail: error.message });
    // The same again as plain text: log tails are unreadable inside a JSON string.
    process.stderr.write(`\n${error.message}\n`);
    process.exit(1);
  },
);
