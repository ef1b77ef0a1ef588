#!/usr/bin/env node
// Real test servers without Docker: FerretDB (MongoDB wire protocol, SQLite handler),
// Redis, Kafka (single-node KRaft) and Neo4j (embedded, Bolt), each on a free loopback
// port picked at start, with data in a fresh directory under .cache/servers/runs/.
//
// Plain Node ESM with node: builtins only, because it runs before (and independently of)
// the project's npm dependencies. Linux only (it reads /proc to tell our processes apart).
//
// Library use (e.g. from the test runner):
//   import { installServers, startServers } from './scripts/servers.mjs';
//   const { env, stop } = await startServers();   // installs what is missing first
//   ... run tests with env.MONGODB_URL, env.REDIS_URL, env.NEO4J_URL, env.KAFKA_BROKERS ...
//   await stop();
//
// CLI:
//   node scripts/servers.mjs install          install/build/resolve what is missing (cached)
//   node scripts/servers.mjs start            start detached, write .cache/servers/state.json,
//                                             print `export VAR=...` lines on stdout
//   node scripts/servers.mjs env              print the `export VAR=...` lines again
//   node scripts/servers.mjs status           show pids/ports and whether each answers
//   node scripts/servers.mjs stop             stop exactly the processes `start` started
//                                             (and any left behind by a killed library run)
//   node scripts/servers.mjs stop RUN_ID      stop only that run (a dir name under .cache/servers/runs/)
//   node scripts/servers.mjs run -- CMD ...   start, run CMD with the env vars, stop, exit
//                                             with CMD's exit code
//
// Progress goes to stderr as JSON lines; stdout only carries the `export` lines (and status).
//
// Environment knobs:
//   JAVA_HOME                  use $JAVA_HOME/bin/java (else `java` on PATH)
//   TEST_SERVERS_KEEP_DATA=1   keep the data dirs after stop (logs are always kept for
//                              the last few runs)
//   TEST_SERVERS_START_TIMEOUT_MS  override every server's readiness timeout

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVERS_SRC = path.join(ROOT, 'servers');
const CACHE = path.join(ROOT, '.cache', 'servers');
const RUNS = path.join(CACHE, 'runs');
const INSTALL_LOGS = path.join(CACHE, 'install-logs');
const STATE_FILE = path.join(CACHE, 'state.json');
const FERRET_BIN = path.join(CACHE, 'bin', 'ferretdb-test-server');
const KEEP_RUNS = 5; // how many old run dirs (their logs) to keep for post-mortems

const NAMES = ['ferretdb', 'redis', 'kafka', 'neo4j'];

// Readiness timeouts. Generous, because a loaded 2-core CI machine starts JVMs slowly.
const START_TIMEOUT_MS = {
  ferretdb: 30_000,
  redis: 20_000,
  kafka: 120_000,
  neo4j: 180_000,
};
// How long a server gets to exit after SIGTERM before its process group gets SIGKILL.
const STOP_GRACE_MS = { ferretdb: 5_000, redis: 5_000, kafka: 20_000, neo4j: 20_000 };

// JVM flags. Neo4j needs the --add-opens for its off-heap/netty code on Java 17.
const KAFKA_JVM = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];
const NEO4J_JVM = [
  '-Xms256m',
  '-Xmx1g',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Djava.awt.headless=true',
];
// Short-lived JVM tools (Kafka's StorageTool) start faster with the C1 compiler only.
const TOOL_JVM = ['-XX:TieredStopAtLevel=1', '-Xmx256m'];

// ---------------------------------------------------------------------------
// Logging: one JSON line per step on stderr.

function log(level, msg, extra = {}) {
  process.stderr.write(
    JSON.stringify({ time: new Date().toISOString(), level, component: 'test-servers', msg, ...extra }) + '\n',
  );
}
const info = (msg, extra) => log('info', msg, extra);
const warn = (msg, extra) => log('warn', msg, extra);

const secondsSince = (t0) => Math.round((Date.now() - t0) / 100) / 10;

// ---------------------------------------------------------------------------
// Small helpers.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sha256(...parts) {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function writeJsonAtomic(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** Last `lines` lines of a (log) file, for error messages. */
function tail(file, lines = 40) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 16_384);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').split('\n').slice(-lines).join('\n').trimEnd();
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    return `(no log: ${e.code ?? e.message})`;
  }
}

/** Long arguments (classpaths) shortened for logs, so log tails in errors stay readable. */
function shortArg(a) {
  return a.length > 160 ? `${a.slice(0, 120)}…(${a.length} chars)` : a;
}

/** Full path of an executable on PATH (plus the sbin dirs, where Debian puts some daemons), or null. */
function which(name) {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/**
 * Run a command to completion, its output appended to `logFile`. Logs a heartbeat every
 * 30 s so long installs don't look hung. Rejects with the log tail on failure.
 */
function runLogged(label, cmd, args, { cwd = ROOT, env = process.env, logFile } = {}) {
  return new Promise((resolve, reject) => {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n$ ${cmd} ${args.map(shortArg).join(' ')}\n`);
    const t0 = Date.now();
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    const beat = setInterval(() => info(`${label}: still running (${secondsSince(t0)}s)`), 30_000);
    child.on('error', (e) => {
      clearInterval(beat);
      reject(new Error(`${label}: cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(beat);
      if (code === 0) resolve();
      else {
        const err = new Error(
          `${label}: \`${cmd} ${args.map(shortArg).join(' ')}\` failed (${signal ?? `exit ${code}`}); last lines of ${logFile}:\n${tail(logFile)}`,
        );
        err.logFile = logFile;
        reject(err);
      }
    });
  });
}

/** Run a command and capture its output (for quick probes like `go version`). */
function capture(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${out.trim()}`))));
  });
}

/** Await all named tasks; if any failed, throw one Error naming each failed part. */
async function allOrThrow(what, tasks) {
  const names = Object.keys(tasks);
  const results = await Promise.allSettled(Object.values(tasks));
  const failed = results.map((r, i) => [names[i], r]).filter(([, r]) => r.status === 'rejected');
  if (failed.length) {
    const msg = failed.map(([, r]) => r.reason?.message ?? String(r.reason)).join('\n\n');
    throw new Error(`${what} failed for ${failed.map(([n]) => n).join(', ')}:\n${msg}`);
  }
  return Object.fromEntries(results.map((r, i) => [names[i], r.value]));
}

// ---------------------------------------------------------------------------
// /proc based process identity, so we never signal a pid that was reused by someone else.

/** Start time (clock ticks since boot) of a live, non-zombie process, or null. */
function procStartTime(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces/parens: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null; // zombie/dead: gone for our purposes
    return fields[19]; // field 22 overall
  } catch {
    return null;
  }
}

function isSameProcess(pid, startTime) {
  return pid > 0 && startTime != null && procStartTime(pid) === startTime;
}

/** Live (non-zombie) members of a process group. */
function groupMembers(pgid) {
  const members = [];
  for (const ent of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(ent)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${ent}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && fields[0] !== 'X' && Number(fields[2]) === pgid) members.push(Number(ent));
    } catch {
      /* exited meanwhile */
    }
  }
  return members;
}

/**
 * A cross-process lock (a directory, created atomically) so that two CLI `start`s at once
 * don't both start a set of servers: the second waits, then finds the first one running.
 * A lock whose holder has died is taken over.
 */
async function withLock(name, fn, timeoutMs = 20 * 60_000) {
  const dir = path.join(CACHE, `${name}.lock`);
  const me = { pid: process.pid, startTime: procStartTime(process.pid) };
  const t0 = Date.now();
  let told = false;
  fs.mkdirSync(CACHE, { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(dir);
      writeJsonAtomic(path.join(dir, 'owner.json'), me);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const owner = readJson(path.join(dir, 'owner.json'));
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      // No owner file yet is normal for a moment; after 10 s it is a crashed holder.
      if ((owner && !isSameProcess(owner.pid, owner.startTime)) || (!owner && age > 10_000)) {
        warn(`taking over ${name} lock left by a process that is gone`, { owner });
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`${name}: another process (pid ${owner?.pid}) holds ${path.relative(ROOT, dir)}`);
      if (!told) {
        info(`waiting for another \`${name}\` (pid ${owner?.pid}) to finish`);
        told = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Install (idempotent; cached so that a second run takes seconds).

let aptUpdated = null;
/** apt-get install, with one `apt-get update` per process first (fresh images have no lists). */
async function aptInstall(label, pkgs) {
  if (process.getuid?.() !== 0) {
    throw new Error(`${label}: ${pkgs.join(' ')} is missing and installing it needs root: run \`sudo apt-get install -y ${pkgs.join(' ')}\``);
  }
  const logFile = path.join(INSTALL_LOGS, 'apt.log');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    info(`${label}: apt-get update`);
    aptUpdated = runLogged('apt-get update', 'apt-get', ['update'], { env, logFile });
  }
  await aptUpdated;
  info(`${label}: apt-get install -y ${pkgs.join(' ')}`);
  await runLogged(`${label}: apt-get install`, 'apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env, logFile });
}

/** Builds servers/ferretdb into .cache/servers/bin unless the sources and Go version are unchanged. */
async function installFerretdb() {
  const t0 = Date.now();
  const go = which('go');
  if (!go) throw new Error('ferretdb: `go` is not on PATH; FerretDB is built from its Go module (Go >= 1.24 needed)');
  const src = path.join(SERVERS_SRC, 'ferretdb');
  const goVersion = (await capture(go, ['version'])).trim();
  const hash = sha256(
    goVersion,
    ...['go.mod', 'go.sum', 'main.go'].map((f) => fs.readFileSync(path.join(src, f))),
  );
  const stampFile = `${FERRET_BIN}.stamp.json`;
  if (fs.existsSync(FERRET_BIN) && readJson(stampFile)?.hash === hash) {
    info('ferretdb: binary up to date', { bin: path.relative(ROOT, FERRET_BIN) });
    return;
  }
  info(`ferretdb: building FerretDB v1.24.2 with ${goVersion} (first time downloads modules; takes a few minutes)`);
  const logFile = path.join(INSTALL_LOGS, 'ferretdb-build.log');
  fs.mkdirSync(path.dirname(FERRET_BIN), { recursive: true });
  const tmp = `${FERRET_BIN}.${process.pid}.tmp`;
  // CGO off: FerretDB's SQLite driver is pure Go, so no C toolchain is needed.
  // -mod=readonly: build exactly what go.mod/go.sum pin, never rewrite them.
  const env = { ...process.env, CGO_ENABLED: '0' };
  const args = ['build', '-trimpath', '-mod=readonly', '-o', tmp, '.'];
  try {
    await runLogged('ferretdb: go build', go, args, { cwd: src, env, logFile });
  } catch (e) {
    // Newer Go linkers reject some dependencies' go:linkname pulls; this flag lets them link.
    if (!/linkname/i.test(tail(logFile, 200))) throw e;
    warn('ferretdb: link failed on go:linkname; retrying with -ldflags=-checklinkname=0');
    await runLogged('ferretdb: go build', go, ['build', '-trimpath', '-mod=readonly', '-ldflags=-checklinkname=0', '-o', tmp, '.'], {
      cwd: src,
      env,
      logFile,
    });
  }
  fs.renameSync(tmp, FERRET_BIN);
  writeJsonAtomic(stampFile, { hash, goVersion, builtAt: new Date().toISOString() });
  info(`ferretdb: built in ${secondsSince(t0)}s`, { bin: path.relative(ROOT, FERRET_BIN) });
}

/** Ensures `redis-server` exists, installing Debian's package if not. */
async function installRedis() {
  if (which('redis-server')) {
    info('redis: redis-server present');
    return;
  }
  // Debian's package may also start a stock service on 6379; we leave it alone and
  // start our own instance on a free port.
  await aptInstall('redis', ['redis-server']);
  if (!which('redis-server')) throw new Error('redis: apt-get installed redis-server but it is not on PATH');
  info('redis: redis-server installed');
}

/** Ensures a Java >= 17 runtime (Neo4j 5.26 needs 17) and Maven; apt-installs them if missing. */
async function ensureJavaAndMaven() {
  const haveJava = process.env.JAVA_HOME ? fs.existsSync(javaBin()) : which('java');
  const missing = [];
  if (!haveJava) missing.push('openjdk-17-jdk-headless');
  if (!which('mvn')) missing.push('maven');
  if (missing.length) await aptInstall('java', missing);
  const out = await capture(javaBin(), ['-version']).catch((e) => {
    throw new Error(`java: cannot run ${javaBin()} -version: ${e.message}`);
  });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(out);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!(major >= 17)) throw new Error(`java: Java 17 or newer is needed (Neo4j 5.26), found: ${out.split('\n')[0]}`);
  return out.trim();
}

function javacBin() {
  const p = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'javac') : which('javac');
  return p && fs.existsSync(p) ? p : null;
}

const NEO4J_CLASSES = path.join(CACHE, 'neo4j', 'classes');

/**
 * Compiles servers/neo4j/Launcher.java once, which saves ~2 s per start compared with
 * `java Launcher.java` (that compiles it in memory against 200+ jars every time).
 * Without a JDK (JRE only) the start falls back to source-launch mode.
 */
async function compileNeo4jLauncher(javaVersion) {
  const src = path.join(SERVERS_SRC, 'neo4j', 'Launcher.java');
  const cpFile = path.join(CACHE, 'neo4j', 'cp.txt');
  const stampFile = path.join(CACHE, 'neo4j', 'classes.stamp.json');
  const hash = sha256(fs.readFileSync(src), fs.readFileSync(cpFile), javaVersion);
  if (fs.existsSync(path.join(NEO4J_CLASSES, 'Launcher.class')) && readJson(stampFile)?.hash === hash) {
    info('neo4j: launcher class up to date');
    return;
  }
  const javac = javacBin();
  if (!javac) {
    fs.rmSync(NEO4J_CLASSES, { recursive: true, force: true });
    warn('neo4j: no javac (JRE only); the launcher will be compiled in memory at each start');
    return;
  }
  info('neo4j: compiling Launcher.java');
  const tmp = `${NEO4J_CLASSES}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await runLogged('neo4j: javac', javac, ['--release', '17', '-d', tmp, '-cp', fs.readFileSync(cpFile, 'utf8').trim(), src], {
    logFile: path.join(INSTALL_LOGS, 'neo4j-javac.log'),
  });
  fs.rmSync(NEO4J_CLASSES, { recursive: true, force: true });
  fs.renameSync(tmp, NEO4J_CLASSES);
  writeJsonAtomic(stampFile, { hash, compiledAt: new Date().toISOString() });
}

/**
 * Resolves servers/<name>/pom.xml's jars from Maven Central into ~/.m2 and writes the
 * classpath to .cache/servers/<name>/cp.txt. Skipped when the pom is unchanged and every
 * jar is still in ~/.m2.
 */
async function installMavenClasspath(name, label) {
  const t0 = Date.now();
  const pom = path.join(SERVERS_SRC, name, 'pom.xml');
  const cpFile = path.join(CACHE, name, 'cp.txt');
  const stampFile = path.join(CACHE, name, 'cp.stamp.json');
  const hash = sha256(fs.readFileSync(pom));
  if (fs.existsSync(cpFile) && readJson(stampFile)?.hash === hash) {
    const jars = fs.readFileSync(cpFile, 'utf8').trim().split(path.delimiter);
    if (jars.length > 0 && jars.every((j) => fs.existsSync(j))) {
      info(`${name}: classpath up to date (${jars.length} jars)`);
      return;
    }
    info(`${name}: some jars are gone from the Maven repository; resolving again`);
  }
  info(`${name}: resolving ${label} jars from Maven Central with maven (first time takes a minute or two)`);
  const logFile = path.join(INSTALL_LOGS, `${name}-maven.log`);
  fs.mkdirSync(path.dirname(cpFile), { recursive: true });
  const tmp = `${cpFile}.${process.pid}.tmp`;
  await runLogged(`${name}: mvn dependency:build-classpath`, 'mvn', [
    '-q',
    '-B',
    '-f',
    pom,
    'dependency:build-classpath',
    `-Dmdep.outputFile=${tmp}`,
    '-Dmdep.includeScope=runtime',
  ], { logFile });
  const jars = fs.readFileSync(tmp, 'utf8').trim().split(path.delimiter).filter(Boolean);
  if (!jars.length) throw new Error(`${name}: maven produced an empty classpath; see ${logFile}`);
  fs.renameSync(tmp, cpFile);
  writeJsonAtomic(stampFile, { hash, jars: jars.length, resolvedAt: new Date().toISOString() });
  info(`${name}: ${jars.length} jars resolved in ${secondsSince(t0)}s`);
}

/**
 * Installs whatever is missing for the four servers, in parallel. Safe to call every time:
 * with warm caches it only hashes a few files and checks that jars/binaries exist.
 */
export async function installServers() {
  const t0 = Date.now();
  info('install: checking FerretDB, Redis, Kafka, Neo4j');
  await allOrThrow('install', {
    ferretdb: installFerretdb(),
    redis: installRedis(),
    // Two Maven runs share ~/.m2 (and the dependency plugin), so run them one after the other;
    // together they still finish before the FerretDB build on a cold machine.
    jvm: (async () => {
      const javaVersion = await ensureJavaAndMaven();
      await installMavenClasspath('kafka', 'Kafka 3.9.1');
      await installMavenClasspath('neo4j', 'Neo4j 5.26 + Bolt');
      await compileNeo4jLauncher(javaVersion);
    })(),
  });
  info(`install: done in ${secondsSince(t0)}s`);
}

// ---------------------------------------------------------------------------
// Ports and readiness probes.

/** n distinct free loopback ports: bind all to port 0 at once, note the ports, release them. */
async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', resolve);
      });
      servers.push(srv);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/**
 * Connect to 127.0.0.1:port, write `request`, collect the reply until `isComplete(buf)`
 * says so; resolves with the reply. Rejects on error/timeout.
 */
function tcpExchange(port, request, isComplete, timeoutMs = 3_000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const done = (err, val) => {
      clearTimeout(timer);
      sock.destroy();
      err ? reject(err) : resolve(val);
    };
    const timer = setTimeout(() => done(new Error('no reply in time')), timeoutMs);
    sock.on('connect', () => sock.write(request));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (isComplete(buf)) done(null, buf);
    });
    sock.on('error', (e) => done(e));
    sock.on('end', () => done(new Error(`connection closed after ${buf.length} bytes`)));
  });
}

/** Redis: inline PING must answer +PONG. */
async function probeRedis(port) {
  const reply = await tcpExchange(port, 'PING\r\n', (b) => b.includes('\r\n'));
  if (!reply.toString().startsWith('+PONG')) throw new Error(`unexpected PING reply ${JSON.stringify(reply.toString())}`);
}

/** Minimal BSON for {ping: 1, $db: "admin"} (the only document we ever send). */
function bsonPing() {
  const parts = [];
  const cstr = (s) => Buffer.from(s + '\0', 'utf8');
  const i32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  parts.push(Buffer.from([0x10]), cstr('ping'), i32(1)); // int32
  const db = Buffer.from('admin\0', 'utf8');
  parts.push(Buffer.from([0x02]), cstr('$db'), i32(db.length), db); // string
  const body = Buffer.concat([...parts, Buffer.from([0])]);
  return Buffer.concat([i32(body.length + 4), body]);
}

/** Reads top-level `ok` from a BSON document (enough of BSON to skip other simple fields). */
function bsonOk(doc) {
  let i = 4;
  while (i < doc.length && doc[i] !== 0) {
    const type = doc[i++];
    const end = doc.indexOf(0, i);
    const key = doc.toString('utf8', i, end);
    i = end + 1;
    let val;
    switch (type) {
      case 0x01: val = doc.readDoubleLE(i); i += 8; break;
      case 0x10: val = doc.readInt32LE(i); i += 4; break;
      case 0x12: val = Number(doc.readBigInt64LE(i)); i += 8; break;
      case 0x08: val = doc[i] ? 1 : 0; i += 1; break;
      case 0x02: i += 4 + doc.readInt32LE(i); break;
      case 0x03: case 0x04: i += doc.readInt32LE(i); break;
      case 0x09: i += 8; break;
      case 0x07: i += 12; break;
      default: return undefined; // unknown type: stop (ok is normally first anyway)
    }
    if (key === 'ok') return val;
  }
  return undefined;
}

/** FerretDB: an OP_MSG `ping` over the MongoDB wire protocol must come back with ok: 1. */
async function probeFerretdb(port) {
  const doc = bsonPing();
  const header = Buffer.alloc(16);
  const msgLen = 16 + 4 + 1 + doc.length;
  header.writeInt32LE(msgLen, 0);
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // OP_MSG
  const req = Buffer.concat([header, Buffer.alloc(4) /* flagBits */, Buffer.from([0]) /* body section */, doc]);
  const reply = await tcpExchange(port, req, (b) => b.length >= 4 && b.length >= b.readInt32LE(0));
  if (reply.readInt32LE(12) !== 2013) throw new Error(`unexpected opCode ${reply.readInt32LE(12)}`);
  const ok = bsonOk(reply.subarray(21));
  if (ok !== 1) throw new Error(`ping answered ok=${ok}`);
}

/** Kafka: an ApiVersions (v0) request must come back with error_code 0. */
async function probeKafka(port) {
  const clientId = Buffer.from('test-servers');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2); // version 0
  body.writeInt32BE(42, 4); // correlation id
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const reply = await tcpExchange(port, Buffer.concat([size, body]), (b) => b.length >= 4 && b.length >= 4 + b.readInt32BE(0));
  if (reply.readInt32BE(4) !== 42) throw new Error('ApiVersions: wrong correlation id');
  const code = reply.readInt16BE(8);
  if (code !== 0) throw new Error(`ApiVersions error_code ${code}`);
}

/**
 * Kafka: FindCoordinator (v0) for a throwaway group until the broker names a coordinator.
 * The first such request makes the broker create __consumer_offsets; doing it here means
 * the tests' first consumer group joins at once instead of retrying (and kafkajs logging
 * "The group coordinator is not available").
 */
async function warmKafkaGroups(port, timeoutMs) {
  const clientId = Buffer.from('test-servers');
  const group = Buffer.from('test-servers-warmup');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 2 + group.length);
  let o = body.writeInt16BE(10, 0); // FindCoordinator
  o = body.writeInt16BE(0, o); // version 0
  o = body.writeInt32BE(7, o); // correlation id
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt16BE(group.length, o);
  group.copy(body, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const deadline = Date.now() + timeoutMs;
  let code;
  while (Date.now() < deadline) {
    const reply = await tcpExchange(port, Buffer.concat([size, body]), (b) => b.length >= 4 && b.length >= 4 + b.readInt32BE(0));
    code = reply.readInt16BE(8);
    if (code === 0) return;
    await sleep(200); // 15 = COORDINATOR_NOT_AVAILABLE while __consumer_offsets is being created
  }
  throw new Error(`kafka: group coordinator not available after ${timeoutMs / 1000}s (error_code ${code})`);
}

/** Neo4j: the Bolt handshake must agree on a protocol version (offer 5.x and 4.4). */
async function probeNeo4j(port) {
  const req = Buffer.from([
    0x60, 0x60, 0xb0, 0x17, // Bolt magic
    0x00, 0x08, 0x08, 0x05, // 5.8 down to 5.0
    0x00, 0x00, 0x04, 0x04, // 4.4
    0, 0, 0, 0,
    0, 0, 0, 0,
  ]);
  const reply = await tcpExchange(port, req, (b) => b.length >= 4);
  if (reply.readUInt32BE(0) === 0) throw new Error('Bolt handshake: no common protocol version');
}

// ---------------------------------------------------------------------------
// Starting one server.

/**
 * Spawns a server in its own process group (detached), so that stop can signal the
 * whole group (JVMs and anything they fork) and so that a CLI `start` can exit and leave
 * it running. stdout+stderr go to `logFile`.
 */
function spawnServer(name, cmd, args, { cwd, logFile }) {
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `$ ${cmd} ${args.map(shortArg).join(' ')}\n`);
  let child;
  try {
    child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd);
  }
  child.unref(); // never keep the parent alive just for the server
  return child;
}

/**
 * Waits until `logFile` contains `pattern` (if given) and then `probe()` succeeds.
 * Fails fast if the process exits; on timeout the error carries the log's tail.
 */
async function waitReady(name, child, { logFile, pattern, probe, timeoutMs, extraLog }) {
  const t0 = Date.now();
  const tails = () => tail(logFile) + (extraLog && fs.existsSync(extraLog) ? `\nlast lines of ${extraLog}:\n${tail(extraLog, 25)}` : '');
  let exited = null;
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  child.once('error', (e) => (exited = `spawn error: ${e.message}`));
  let sawPattern = !pattern;
  let lastErr = null;
  let nextBeat = t0 + 15_000;
  for (;;) {
    if (exited) {
      throw new Error(`${name}: process ended before it was ready (${exited}); last lines of ${logFile}:\n${tails()}`);
    }
    if (!sawPattern) {
      try {
        sawPattern = pattern.test(fs.readFileSync(logFile, 'utf8'));
      } catch {
        /* not created yet */
      }
    }
    if (sawPattern) {
      try {
        await probe();
        return;
      } catch (e) {
        lastErr = e;
      }
    }
    if (Date.now() - t0 > timeoutMs) {
      const waitingFor = !sawPattern ? `log line ${pattern}` : `protocol check (${lastErr?.message})`;
      throw new Error(
        `${name}: not ready after ${Math.round(timeoutMs / 1000)}s, still waiting for ${waitingFor}; last lines of ${logFile}:\n${tails()}`,
      );
    }
    if (Date.now() > nextBeat) {
      info(`${name}: still starting (${secondsSince(t0)}s)`);
      nextBeat += 15_000;
    }
    await sleep(sawPattern ? 100 : 200);
  }
}

function timeoutFor(name) {
  const override = Number(process.env.TEST_SERVERS_START_TIMEOUT_MS);
  return override > 0 ? override : START_TIMEOUT_MS[name];
}

/**
 * A fresh cluster id (16 random bytes, base64url: Kafka's Uuid format). One starting
 * with '-' would be read as an option by the storage tool, so draw again.
 */
function kafkaClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function kafkaProperties({ port, controllerPort, dataDir }) {
  // Single node acting as broker and KRaft controller; everything replicated once.
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    // Consumers in tests join groups constantly; the default 3 s delay would slow every test.
    'group.initial.rebalance.delay.ms=0',
    // Keep the broker light.
    'num.network.threads=2',
    'num.io.threads=2',
    'log.retention.check.interval.ms=300000',
    '',
  ].join('\n');
}

function readClasspath(name) {
  const cpFile = path.join(CACHE, name, 'cp.txt');
  if (!fs.existsSync(cpFile)) throw new Error(`${name}: ${path.relative(ROOT, cpFile)} is missing; run \`node scripts/servers.mjs install\``);
  return fs.readFileSync(cpFile, 'utf8').trim();
}

/**
 * Starts server `name` for `run`, recording it in run.servers (before waiting, so that a
 * failure later still stops it). Resolves when it answers.
 */
async function startOne(name, run, ports, persist) {
  const t0 = Date.now();
  const dataDir = path.join(run.dir, name);
  const logFile = path.join(run.dir, `${name}.log`);
  fs.mkdirSync(dataDir, { recursive: true });
  const rec = { name, dataDir: path.relative(ROOT, dataDir), log: path.relative(ROOT, logFile) };
  let child;
  let ready;

  // Once stopping has begun (signal, or another server failed), start nothing more.
  const checkNotStopping = () => {
    if (run.stopping) throw new Error(`${name}: start aborted, servers are being stopped`);
  };
  const track = (c, port, extra = {}) => {
    child = c;
    if (run.stopping && c.pid) {
      // Spawned while stop was already under way: it would be missed by stop, so kill it now.
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      checkNotStopping();
    }
    if (!c.pid) return; // spawn failed; the 'error' event is reported by waitReady
    Object.assign(rec, { pid: c.pid, pgid: c.pid, startTime: procStartTime(c.pid), port, ...extra });
    run.servers[name] = rec;
    persist();
  };

  switch (name) {
    case 'ferretdb': {
      const port = ports.ferretdb;
      info(`ferretdb: starting on 127.0.0.1:${port}`);
      track(spawnServer(name, FERRET_BIN, ['-port', String(port), '-data', dataDir, '-log-level', 'warn'], { cwd: run.dir, logFile }), port);
      ready = { pattern: /ferretdb-test-server: listening on/, probe: () => probeFerretdb(port) };
      // retryWrites=false: FerretDB reports itself as a standalone server (no sessions/transactions).
      rec.url = `mongodb://127.0.0.1:${port}/?retryWrites=false&directConnection=true`;
      break;
    }
    case 'redis': {
      const port = ports.redis;
      info(`redis: starting on 127.0.0.1:${port}`);
      // Foreground (not --daemonize) so the pid we hold is the server's own.
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dataDir, '--logfile', ''];
      track(spawnServer(name, which('redis-server'), args, { cwd: run.dir, logFile }), port);
      ready = { pattern: null, probe: () => probeRedis(port) };
      rec.url = `redis://127.0.0.1:${port}`;
      break;
    }
    case 'kafka': {
      const { kafka: port, kafkaController: controllerPort } = ports;
      const cp = readClasspath('kafka');
      const props = path.join(run.dir, 'kafka-server.properties');
      fs.writeFileSync(props, kafkaProperties({ port, controllerPort, dataDir }));
      const log4j = ['-Dlog4j.configuration=' + pathToFileURL(path.join(SERVERS_SRC, 'kafka', 'log4j.properties')).href];
      // A fresh cluster id (16 random bytes, base64url: Kafka's Uuid format) for a fresh storage dir.
      const clusterId = kafkaClusterId();
      info(`kafka: formatting KRaft storage (cluster ${clusterId})`);
      await runLogged('kafka: storage format', javaBin(), [...TOOL_JVM, ...log4j, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '-g'], {
        cwd: run.dir,
        logFile,
      });
      checkNotStopping();
      info(`kafka: starting on 127.0.0.1:${port} (controller ${controllerPort})`);
      track(spawnServer(name, javaBin(), [...KAFKA_JVM, ...log4j, '-cp', cp, 'kafka.Kafka', props], { cwd: run.dir, logFile }), port, { controllerPort });
      ready = { pattern: /Kafka Server started/, probe: () => probeKafka(port) };
      rec.url = `127.0.0.1:${port}`;
      break;
    }
    case 'neo4j': {
      const port = ports.neo4j;
      const cp = readClasspath('neo4j');
      info(`neo4j: starting on bolt://127.0.0.1:${port}`);
      // Precompiled by install when a JDK is there; else single-file source mode.
      const main = fs.existsSync(path.join(NEO4J_CLASSES, 'Launcher.class'))
        ? ['-cp', NEO4J_CLASSES + path.delimiter + cp, 'Launcher']
        : ['-cp', cp, path.join(SERVERS_SRC, 'neo4j', 'Launcher.java')];
      // Neo4j's own logs (debug.log) go next to our log, outside the data dir that stop deletes.
      const neo4jLogs = path.join(run.dir, 'neo4j-logs');
      track(spawnServer(name, javaBin(), [...NEO4J_JVM, ...main, dataDir, String(port), neo4jLogs], { cwd: run.dir, logFile }), port);
      ready = { pattern: /NEO4J_READY/, probe: () => probeNeo4j(port), extraLog: path.join(neo4jLogs, 'debug.log') };
      rec.url = `bolt://127.0.0.1:${port}`;
      break;
    }
    default:
      throw new Error(`unknown server ${name}`);
  }
  persist();
  await waitReady(name, child, { logFile, timeoutMs: timeoutFor(name), ...ready });
  if (name === 'kafka') {
    await warmKafkaGroups(rec.port, 30_000).catch((e) => {
      throw new Error(`kafka: consumer-group warm-up failed: ${e.message}; last lines of ${logFile}:\n${tail(logFile)}`);
    });
  }
  rec.readyAfterMs = Date.now() - t0;
  persist();
  info(`${name}: ready in ${secondsSince(t0)}s`, { url: rec.url });
  return rec;
}

/**
 * A Kafka broker of its own for tests that stop and restart the broker mid-stream
 * (the shared one must stay up for every other test). Same port and data across
 * restarts, like a real broker coming back. Installs must already be done.
 *
 * @returns {Promise<{brokers: string, stop: () => Promise<void>, start: () => Promise<void>, dispose: () => Promise<void>}>}
 */
export async function startDedicatedKafka() {
  const [port, controllerPort] = await freePorts(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'events-kafka-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'kafka.log');
  fs.mkdirSync(dataDir, { recursive: true });
  const cp = readClasspath('kafka');
  const props = path.join(dir, 'server.properties');
  fs.writeFileSync(props, kafkaProperties({ port, controllerPort, dataDir }));
  const log4j = ['-Dlog4j.configuration=' + pathToFileURL(path.join(SERVERS_SRC, 'kafka', 'log4j.properties')).href];
  const clusterId = kafkaClusterId();
  await runLogged('kafka (dedicated): storage format', javaBin(), [...TOOL_JVM, ...log4j, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '-g'], { cwd: dir, logFile });
  let rec = null;
  const start = async () => {
    const child = spawnServer('kafka', javaBin(), [...KAFKA_JVM, ...log4j, '-cp', cp, 'kafka.Kafka', props], { cwd: dir, logFile });
    rec = { name: 'kafka', pid: child.pid, pgid: child.pid, startTime: procStartTime(child.pid) };
    // The log is appended across restarts; wait for a new "started" line.
    const before = (fs.readFileSync(logFile, 'utf8').match(/Kafka Server started/g) ?? []).length;
    await waitReady('kafka (dedicated)', child, {
      logFile,
      timeoutMs: timeoutFor('kafka'),
      pattern: { test: (text) => (text.match(/Kafka Server started/g) ?? []).length > before },
      probe: () => probeKafka(port),
    });
    info('kafka (dedicated): ready', { port });
  };
  const stop = async () => {
    if (rec) await stopServer(rec);
    rec = null;
  };
  await start();
  return {
    brokers: `127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------
// Runs: a run is one start of the four servers, with state in .cache/servers/runs/<id>/state.json.

function envOf(run) {
  return {
    MONGODB_URL: run.servers.ferretdb?.url,
    REDIS_URL: run.servers.redis?.url,
    NEO4J_URL: run.servers.neo4j?.url,
    KAFKA_BROKERS: run.servers.kafka?.url,
  };
}

function runStateFile(run) {
  return path.join(run.dir, 'state.json');
}

function serializeRun(run) {
  return { ...run, dir: path.relative(ROOT, run.dir), env: envOf(run) };
}

function loadRun(file) {
  const s = readJson(file);
  if (!s || !s.runId) return null;
  return { ...s, dir: path.resolve(ROOT, s.dir) };
}

/** Stops one recorded server: SIGTERM to its process group, then SIGKILL after a grace period. */
async function stopServer(rec) {
  if (!rec?.pid) return;
  const { name, pid, pgid = pid } = rec;
  // Only signal the group if its leader is still the very process we started (pid reuse guard).
  if (!isSameProcess(pid, rec.startTime)) {
    // The leader may be gone while children of it linger in the group; those are ours too.
    if (!rec.startTime || groupMembers(pgid).length === 0) return;
  }
  const signalGroup = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch (e) {
      if (e.code !== 'ESRCH') throw e;
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + (STOP_GRACE_MS[name] ?? 10_000);
  while (Date.now() < deadline) {
    if (groupMembers(pgid).length === 0) {
      info(`${name}: stopped`, { pid });
      return;
    }
    await sleep(100);
  }
  warn(`${name}: did not stop within ${STOP_GRACE_MS[name] / 1000}s of SIGTERM; killing its process group`, { pid });
  signalGroup('SIGKILL');
  for (let i = 0; i < 50 && groupMembers(pgid).length; i++) await sleep(100);
}

/** Stops every server of a run, removes its data dirs (keeps logs) and its state. */
async function stopRun(run) {
  await Promise.all(Object.values(run.servers ?? {}).map((rec) => stopServer(rec).catch((e) => warn(`${rec.name}: stop failed: ${e.message}`))));
  if (process.env.TEST_SERVERS_KEEP_DATA !== '1') {
    for (const name of NAMES) fs.rmSync(path.join(run.dir, name), { recursive: true, force: true });
  }
  run.stoppedAt = new Date().toISOString();
  try {
    writeJsonAtomic(runStateFile(run), serializeRun(run));
  } catch {
    /* run dir removed meanwhile */
  }
  if (readJson(STATE_FILE)?.runId === run.runId) fs.rmSync(STATE_FILE, { force: true });
}

/** Last-resort synchronous cleanup for process 'exit' (no awaiting possible there). */
function killRunSync(run) {
  for (const rec of Object.values(run.servers ?? {})) {
    if (rec.pid && isSameProcess(rec.pid, rec.startTime)) {
      try {
        process.kill(-rec.pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  if (process.env.TEST_SERVERS_KEEP_DATA !== '1') {
    for (const name of NAMES) fs.rmSync(path.join(run.dir, name), { recursive: true, force: true });
  }
}

function ownerAlive(run) {
  return isSameProcess(run.owner?.pid, run.owner?.startTime);
}

/**
 * Stops runs left behind by library callers that died without stopping (e.g. SIGKILLed
 * test runner), and prunes old run dirs beyond the last few. Detached CLI runs are only
 * stopped by `stop` (detachedToo).
 */
async function reapAndPrune({ detachedToo = false } = {}) {
  let entries = [];
  try {
    entries = fs.readdirSync(RUNS).sort();
  } catch {
    return;
  }
  const finished = [];
  for (const ent of entries) {
    const run = loadRun(path.join(RUNS, ent, 'state.json'));
    if (!run) continue;
    const cliRunningNow = readJson(STATE_FILE)?.runId === run.runId;
    if (!run.stoppedAt && !cliRunningNow && (run.detached ? detachedToo : !ownerAlive(run))) {
      // A detached run still being started holds the start lock, so it is never reaped here.
      warn(`stopping servers left behind by run ${run.runId}`, { reason: run.detached ? 'detached run not in state.json' : 'its owner process is gone' });
      await stopRun(run);
    }
    if (run.stoppedAt) finished.push(ent);
  }
  for (const ent of finished.slice(0, Math.max(0, finished.length - KEEP_RUNS))) {
    fs.rmSync(path.join(RUNS, ent), { recursive: true, force: true });
  }
}

/**
 * Installs what is missing, then starts the four servers in parallel on free loopback
 * ports, each with a fresh data dir. Resolves once every one answers its protocol.
 *
 * @param {{detached?: boolean}} [opts] detached: leave them running after this process
 *   exits (CLI `start`); otherwise they are killed when this process exits or is
 *   interrupted.
 * @returns {Promise<{env: {MONGODB_URL: string, REDIS_URL: string, NEO4J_URL: string, KAFKA_BROKERS: string}, stop: () => Promise<void>, run: object}>}
 */
export async function startServers({ detached = false } = {}) {
  const t0 = Date.now();
  await installServers();
  await reapAndPrune();

  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  const run = {
    runId,
    dir: path.join(RUNS, runId),
    detached,
    owner: { pid: process.pid, startTime: procStartTime(process.pid) },
    startedAt: new Date().toISOString(),
    servers: {},
  };
  fs.mkdirSync(run.dir, { recursive: true });
  const persist = () => writeJsonAtomic(runStateFile(run), serializeRun(run));
  persist();

  // Ctrl-C / kill while starting (and, for library runs, while tests run) stops the servers.
  let stopping = null;
  const stop = () => (stopping ??= (async () => {
    run.stopping = true;
    removeHandlers();
    info('stopping servers', { run: runId });
    await stopRun(run);
    info('servers stopped');
  })());
  const onSignal = (sig) => {
    warn(`received ${sig}; stopping servers`);
    stop().finally(() => process.kill(process.pid, sig)); // handlers removed: default action now
  };
  const onExit = () => killRunSync(run);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeHandlers = () => {
    for (const s of signals) process.removeListener(s, onSignal);
    process.removeListener('exit', onExit);
  };
  for (const s of signals) process.once(s, onSignal);
  process.on('exit', onExit);

  const [ferretdb, redis, kafka, kafkaController, neo4j] = await freePorts(5);
  const ports = { ferretdb, redis, kafka, kafkaController, neo4j };
  info('starting servers in parallel', { run: path.relative(ROOT, run.dir), ports });
  // The first server that fails stops all the others at once (no waiting for their
  // timeouts); their resulting errors are only consequences and are reported as such.
  const results = await Promise.allSettled(
    NAMES.map((n) =>
      startOne(n, run, ports, persist).catch((e) => {
        if (run.stopping) e.consequence = true;
        else void stop();
        throw e;
      }),
    ),
  );
  const failures = results.map((r, i) => [NAMES[i], r]).filter(([, r]) => r.status === 'rejected');
  if (failures.length) {
    await stop();
    const causes = failures.filter(([, r]) => !r.reason?.consequence);
    const others = failures.filter(([, r]) => r.reason?.consequence).map(([n]) => n);
    const msg = causes.length
      ? `test servers could not start: ${causes.map(([n]) => n).join(', ')} failed` +
        (others.length ? ` (${others.join(', ')} stopped because of that)` : '') +
        `\n\n${causes.map(([, r]) => r.reason?.message ?? String(r.reason)).join('\n\n')}`
      : `test servers: start interrupted, all stopped (${failures.map(([n]) => n).join(', ')} were not ready yet)`;
    throw new Error(msg);
  }
  run.readyAt = new Date().toISOString();
  persist();
  if (detached) removeHandlers(); // from now on `node scripts/servers.mjs stop` owns them
  const env = envOf(run);
  info(`all servers ready in ${secondsSince(t0)}s`, env);
  return { env, stop, run };
}

// ---------------------------------------------------------------------------
// CLI.

function exportLines(env) {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}='${String(v).replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

function currentCliRun() {
  return loadRun(STATE_FILE);
}

async function serverHealth(rec) {
  const alive = isSameProcess(rec.pid, rec.startTime);
  let answers = false;
  if (alive) {
    const probe = { ferretdb: probeFerretdb, redis: probeRedis, kafka: probeKafka, neo4j: probeNeo4j }[rec.name];
    answers = await probe(rec.port).then(
      () => true,
      () => false,
    );
  }
  return { name: rec.name, pid: rec.pid, port: rec.port, url: rec.url, alive, answers, log: rec.log };
}

async function cli(argv) {
  const cmd = argv[0];
  switch (cmd) {
    case 'install': {
      await installServers();
      return 0;
    }
    case 'start': {
      return withLock('start', async () => {
        const existing = currentCliRun();
        if (existing && !existing.stoppedAt) {
          const health = await Promise.all(Object.values(existing.servers).map(serverHealth));
          if (health.length === NAMES.length && health.every((h) => h.answers)) {
            info('servers already running', { run: existing.runId });
            process.stdout.write(exportLines(envOf(existing)) + '\n');
            return 0;
          }
          warn('previous servers are not all healthy; stopping them and starting afresh', { run: existing.runId });
          await stopRun(existing);
        }
        const { env, run } = await startServers({ detached: true });
        writeJsonAtomic(STATE_FILE, serializeRun(run));
        info(`state written to ${path.relative(ROOT, STATE_FILE)}; stop with: node scripts/servers.mjs stop`);
        process.stdout.write(exportLines(env) + '\n');
        return 0;
      });
    }
    case 'env': {
      const run = currentCliRun();
      if (!run) {
        process.stderr.write('no servers started by `node scripts/servers.mjs start`\n');
        return 1;
      }
      process.stdout.write(exportLines(envOf(run)) + '\n');
      return 0;
    }
    case 'status': {
      const run = currentCliRun();
      if (!run) {
        process.stdout.write(JSON.stringify({ running: false }, null, 2) + '\n');
        return 1;
      }
      const servers = await Promise.all(Object.values(run.servers).map(serverHealth));
      const healthy = servers.length === NAMES.length && servers.every((s) => s.answers);
      process.stdout.write(JSON.stringify({ running: true, healthy, run: run.runId, startedAt: run.startedAt, servers }, null, 2) + '\n');
      return healthy ? 0 : 1;
    }
    case 'stop': {
      if (argv[1]) {
        // stop RUN_ID: just that run (ids are the dir names under .cache/servers/runs/).
        const run = loadRun(path.join(RUNS, path.basename(argv[1]), 'state.json'));
        if (!run) throw new Error(`no run ${argv[1]} under ${path.relative(ROOT, RUNS)}`);
        await stopRun(run);
        info('stop: done', { run: run.runId });
        return 0;
      }
      return withLock('start', async () => {
        const run = currentCliRun();
        if (run) {
          info('stopping servers', { run: run.runId });
          await stopRun(run);
        } else {
          info('no servers started by `start` are recorded');
        }
        // Also: servers of other `start`s whose state.json pointer was lost, and anything a
        // killed library run left behind.
        await reapAndPrune({ detachedToo: true });
        info('stop: done');
        return 0;
      });
    }
    case 'run': {
      // node scripts/servers.mjs run -- CMD ARGS...: servers around one command.
      const rest = argv[1] === '--' ? argv.slice(2) : argv.slice(1);
      if (!rest.length) throw new Error('usage: node scripts/servers.mjs run -- CMD [ARGS...]');
      const { env, stop } = await startServers();
      let code;
      try {
        code = await new Promise((resolve) => {
          const child = spawn(rest[0], rest.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
          child.on('error', (e) => {
            log('error', `cannot run ${rest[0]}: ${e.message}`);
            resolve(127);
          });
          child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 + (os.constants.signals[sig] ?? 0) : 1)));
        });
      } finally {
        await stop();
      }
      return code;
    }
    default:
      process.stderr.write('usage: node scripts/servers.mjs install | start | stop [RUN_ID] | status | env | run -- CMD [ARGS...]\n');
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      log('error', e.message.split('\n')[0], { detail: e.message });
      // The same again as plain text: log tails are unreadable inside a JSON string.
      process.stderr.write(`\n${e.message}\n`);
      process.exit(1);
    },
  );
}
