/** Java and Maven for Kafka and Neo4j: a JDK 17+, and jars resolved from Maven Central into ~/.m2. */
import fs from 'node:fs';
import path from 'node:path';
import { aptInstall } from './apt.js';
import { capture, runLogged, which } from './commands.js';
import { sha256, stampMatches, writeStamp } from './json-file.js';
import { info, secondsSince } from './log.js';
import { CACHE, INSTALL_LOGS, SERVERS_SRC, rel } from './paths.js';

/** Short-lived JVM tools (Kafka's StorageTool) start faster with the C1 compiler only. */
export const TOOL_JVM = ['-XX:TieredStopAtLevel=1', '-Xmx256m'];

export function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function javacBin(): string | null {
  const javac = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'javac') : which('javac');
  return javac && fs.existsSync(javac) ? javac : null;
}

let javaChecked: Promise<string> | null = null;

/**
 * Ensures a Java >= 17 runtime (Neo4j 5.26 needs 17) and Maven, apt-installing what is
 * missing; resolves with `java -version`'s output. Checked once per process.
 */
export function ensureJavaAndMaven(): Promise<string> {
  javaChecked ??= (async () => {
    const haveJava = process.env.JAVA_HOME ? fs.existsSync(javaBin()) : which('java');
    const missing = [...(haveJava ? [] : ['openjdk-17-jdk-headless']), ...(which('mvn') ? [] : ['maven'])];
    if (missing.length > 0) await aptInstall('java', missing);
    const out = await capture(javaBin(), ['-version']).catch((error: Error) => {
      throw new Error(`java: cannot run ${javaBin()} -version: ${error.message}`);
    });
    const match = /version "(\d+)(?:\.(\d+))?/.exec(out);
    const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
    if (!(major >= 17)) throw new Error(`java: Java 17 or newer is needed (Neo4j 5.26), found: ${out.split('\n')[0]}`);
    return out.trim();
  })();
  return javaChecked;
}

function classpathFile(name: string): string {
  return path.join(CACHE, name, 'cp.txt');
}

/** Two Maven runs at once would share ~/.m2 and its dependency plugin: resolve one after the other. */
let mavenQueue: Promise<void> = Promise.resolve();

/**
 * Resolves servers/<name>/pom.xml's jars into ~/.m2 and writes the classpath to
 * .cache/servers/<name>/cp.txt. Skipped when the pom is unchanged and every jar is still there.
 */
export function installMavenClasspath(name: string, label: string): Promise<void> {
  const done = mavenQueue.then(() => resolveClasspath(name, label));
  mavenQueue = done.catch(() => {});
  return done;
}

async function resolveClasspath(name: string, label: string): Promise<void> {
  const t0 = Date.now();
  const pom = path.join(SERVERS_SRC, name, 'pom.xml');
  const cpFile = classpathFile(name);
  const stampFile = path.join(CACHE, name, 'cp.stamp.json');
  const hash = sha256(fs.readFileSync(pom));
  if (fs.existsSync(cpFile) && stampMatches(stampFile, hash)) {
    const jars = fs.readFileSync(cpFile, 'utf8').trim().split(path.delimiter);
    if (jars.length > 0 && jars.every((jar) => fs.existsSync(jar))) {
      info(`${name}: classpath up to date (${jars.length} jars)`);
      return;
    }
    info(`${name}: some jars are gone from the Maven repository; resolving again`);
  }
  info(`${name}: resolving ${label} jars from Maven Central with maven (first time takes a minute or two)`);
  const logFile = path.join(INSTALL_LOGS, `${name}-maven.log`);
  fs.mkdirSync(path.dirname(cpFile), { recursive: true });
  const tmp = `${cpFile}.${process.pid}.tmp`;
  const args = ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${tmp}`, '-Dmdep.includeScope=runtime'];
  await runLogged(`${name}: mvn dependency:build-classpath`, 'mvn', args, { logFile });
  const jars = fs.readFileSync(tmp, 'utf8').trim().split(path.delimiter).filter(Boolean);
  if (jars.length === 0) throw new Error(`${name}: maven produced an empty classpath; see ${logFile}`);
  fs.renameSync(tmp, cpFile);
  writeStamp(stampFile, hash, { jars: jars.length });
  info(`${name}: ${jars.length} jars resolved in ${secondsSince(t0)}s`);
}

export function readClasspath(name: string): string {
  const cpFile = classpathFile(name);
  if (!fs.existsSync(cpFile)) throw new Error(`${name}: ${rel(cpFile)} is missing; run \`npm run servers install\``);
  return fs.readFileSync(cpFile, 'utf8').trim();
}
