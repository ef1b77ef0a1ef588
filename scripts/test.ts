/**
 * `npm test`: static checks, then every test file against real FerretDB, Redis, Kafka,
 * Neo4j and a three-node Redis Cluster started here on loopback (and against the embedded
 * twins), with the Kubernetes manifest tools installed; then stops the servers. Ends with
 * a line `N passed, N failed`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { installManifestTools } from './manifests/tools.js';
import { installServers, startServers } from './servers/index.js';

interface Counts {
  passed: number;
  failed: number;
  failures: string[];
}

const started = Date.now();
const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', component: 'test', msg, ...extra })}\n`);

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

async function main(): Promise<number> {
  log('codegen: checking generated resolver types');
  if ((await run('npx', ['tsx', 'scripts/codegen-check.ts'])) !== 0) return 1;
  log('typecheck: tsc --noEmit');
  if ((await run('npx', ['tsc', '--noEmit'])) !== 0) return 1;

  log('install: servers and Kubernetes manifest tools, what is missing');
  await Promise.all([installServers(), installManifestTools()]);
  log('servers: starting FerretDB, Redis, Kafka, Neo4j and a Redis Cluster');
  const servers = await startServers();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('servers: stopping');
    await servers.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(130)));

  try {
    const files = testFiles('test');
    mkdirSync('.cache', { recursive: true });
    const countsFile = '.cache/test-counts.json';
    rmSync(countsFile, { force: true });
    log('tests: running', { files: files.length });
    const code = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 3}`,
        // No forced exit: a file that leaves a handle open after its tests keeps running
        // until this timeout and then fails, so a leak shows up instead of hiding.
        `--test-timeout=${process.env.TEST_FILE_TIMEOUT_MS ?? 600_000}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=./scripts/count-reporter.mjs',
        '--test-reporter-destination=.cache/test-reporter.log',
        ...files,
      ],
      { env: { ...process.env, ...servers.env, TEST_COUNTS_FILE: countsFile } },
    );
    const counts: Counts = existsSync(countsFile) ? JSON.parse(readFileSync(countsFile, 'utf8')) : { passed: 0, failed: 0, failures: [] };
    // A file that crashed before reporting counts as a failure even if no test did.
    const failed = counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0);
    log('tests: done', { seconds: Math.round((Date.now() - started) / 1000), failures: counts.failures });
    process.stdout.write(`\n${counts.passed} passed, ${failed} failed\n`);
    return code === 0 && failed === 0 ? 0 : 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm test failed before the tests could run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stdout.write('\n0 passed, 1 failed\n');
    process.exit(1);
  },
);
