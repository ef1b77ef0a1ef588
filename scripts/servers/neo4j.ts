/**
 * Neo4j 5.26 Community, embedded with its Bolt connector by servers/neo4j/Launcher.java,
 * on jars resolved from Maven Central (servers/neo4j/pom.xml).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runLogged } from './commands.js';
import { sha256, stampMatches, writeStamp } from './json-file.js';
import { ensureJavaAndMaven, installMavenClasspath, javaBin, javacBin, readClasspath } from './jvm.js';
import { info, warn } from './log.js';
import { CACHE, INSTALL_LOGS, SERVERS_SRC } from './paths.js';
import { tcpExchange } from './ports.js';
import type { InstanceLayout, Recipe } from './recipe.js';

// The --add-opens are for Neo4j's off-heap and netty code on Java 17.
const JVM = [
  '-Xms256m',
  '-Xmx1g',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Djava.awt.headless=true',
];
const LAUNCHER = path.join(SERVERS_SRC, 'neo4j', 'Launcher.java');
const CLASSES = path.join(CACHE, 'neo4j', 'classes');

/**
 * Compiles the launcher once, which saves ~2 s per start compared with `java Launcher.java`
 * (that compiles it in memory against 200+ jars every time). Without a JDK (JRE only) the
 * start falls back to source-launch mode.
 */
async function compileLauncher(javaVersion: string): Promise<void> {
  const stampFile = path.join(CACHE, 'neo4j', 'classes.stamp.json');
  const hash = sha256(fs.readFileSync(LAUNCHER), readClasspath('neo4j'), javaVersion);
  if (fs.existsSync(path.join(CLASSES, 'Launcher.class')) && stampMatches(stampFile, hash)) {
    info('neo4j: launcher class up to date');
    return;
  }
  const javac = javacBin();
  if (!javac) {
    fs.rmSync(CLASSES, { recursive: true, force: true });
    warn('neo4j: no javac (JRE only); the launcher will be compiled in memory at each start');
    return;
  }
  info('neo4j: compiling Launcher.java');
  const tmp = `${CLASSES}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await runLogged('neo4j: javac', javac, ['--release', '17', '-d', tmp, '-cp', readClasspath('neo4j'), LAUNCHER], {
    logFile: path.join(INSTALL_LOGS, 'neo4j-javac.log'),
  });
  fs.rmSync(CLASSES, { recursive: true, force: true });
  fs.renameSync(tmp, CLASSES);
  writeStamp(stampFile, hash);
}

async function install(): Promise<void> {
  const javaVersion = await ensureJavaAndMaven();
  await installMavenClasspath('neo4j', 'Neo4j 5.26 + Bolt');
  await compileLauncher(javaVersion);
}

/** The Bolt handshake must agree on a protocol version (offering 5.x and 4.4). */
async function probeNeo4j(port: number): Promise<void> {
  const handshake = Buffer.from([
    0x60, 0x60, 0xb0, 0x17, // Bolt magic
    0x00, 0x08, 0x08, 0x05, // 5.8 down to 5.0
    0x00, 0x00, 0x04, 0x04, // 4.4
    0, 0, 0, 0,
    0, 0, 0, 0,
  ]);
  const reply = await tcpExchange(port, handshake, (b) => b.length >= 4);
  if (reply.readUInt32BE(0) === 0) throw new Error('Bolt handshake: no common protocol version');
}

const port = (layout: InstanceLayout) => layout.ports[0]!;

export const neo4j: Recipe = {
  name: 'neo4j',
  envVar: 'NEO4J_URL',
  portCount: 1,
  startTimeoutMs: 180_000,
  stopGraceMs: 20_000,
  install,
  processes: (layout) => {
    const classpath = readClasspath('neo4j');
    // Precompiled by install when a JDK is there; else single-file source mode.
    const main = fs.existsSync(path.join(CLASSES, 'Launcher.class'))
      ? ['-cp', CLASSES + path.delimiter + classpath, 'Launcher']
      : ['-cp', classpath, LAUNCHER];
    // Neo4j's own logs (debug.log) go next to ours, outside the data dir that dispose deletes.
    const neo4jLogs = path.join(layout.dir, 'neo4j-logs');
    return [
      {
        label: 'neo4j',
        command: javaBin(),
        args: [...JVM, ...main, layout.dataDir, String(port(layout)), neo4jLogs],
        cwd: layout.dir,
        logFile: path.join(layout.dir, 'neo4j.log'),
        port: port(layout),
        readyLine: /NEO4J_READY/,
        probe: () => probeNeo4j(port(layout)),
        extraLog: path.join(neo4jLogs, 'debug.log'),
      },
    ];
  },
  url: (layout) => `bolt://127.0.0.1:${port(layout)}`,
};
