/**
 * Kafka 3.9.1 as a single-node KRaft broker and controller, its jars resolved from Maven
 * Central (servers/kafka/pom.xml) and started from that classpath.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runLogged } from './commands.js';
import { ensureJavaAndMaven, installMavenClasspath, javaBin, readClasspath, TOOL_JVM } from './jvm.js';
import { info } from './log.js';
import { SERVERS_SRC } from './paths.js';
import { tcpExchange } from './ports.js';
import type { InstanceLayout, Recipe } from './recipe.js';
import { pollUntil } from './wait-ready.js';

const JVM = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];
const LOG4J = `-Dlog4j.configuration=${pathToFileURL(path.join(SERVERS_SRC, 'kafka', 'log4j.properties')).href}`;

async function install(): Promise<void> {
  await ensureJavaAndMaven();
  await installMavenClasspath('kafka', 'Kafka 3.9.1');
}

const brokerPort = (layout: InstanceLayout) => layout.ports[0]!;
const controllerPort = (layout: InstanceLayout) => layout.ports[1]!;
const propertiesFile = (layout: InstanceLayout) => path.join(layout.dir, 'server.properties');
const logFile = (layout: InstanceLayout) => path.join(layout.dir, 'kafka.log');

function properties(layout: InstanceLayout): string {
  const port = brokerPort(layout);
  return [
    // One node acting as broker and KRaft controller; everything replicated once.
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort(layout)}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort(layout)}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${layout.dataDir}`,
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

/** A fresh cluster id (16 random bytes, base64url: Kafka's Uuid format); never one starting with '-', which the storage tool reads as an option. */
function clusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats the KRaft storage of a fresh data dir. */
async function prepare(layout: InstanceLayout): Promise<void> {
  fs.writeFileSync(propertiesFile(layout), properties(layout));
  const id = clusterId();
  info(`kafka: formatting KRaft storage (cluster ${id})`);
  const args = [...TOOL_JVM, LOG4J, '-cp', readClasspath('kafka'), 'kafka.tools.StorageTool', 'format', '-t', id, '-c', propertiesFile(layout), '-g'];
  await runLogged('kafka: storage format', javaBin(), args, { cwd: layout.dir, logFile: logFile(layout) });
}

function request(apiKey: number, correlationId: number, payload: Buffer): Buffer {
  const clientId = Buffer.from('test-servers');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(0, 2); // version 0
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const body = Buffer.concat([header, clientId, payload]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

const complete = (b: Buffer) => b.length >= 4 && b.length >= 4 + b.readInt32BE(0);

/** An ApiVersions (v0) request must come back with error_code 0. */
async function probeKafka(port: number): Promise<void> {
  const reply = await tcpExchange(port, request(18, 42, Buffer.alloc(0)), complete);
  if (reply.readInt32BE(4) !== 42) throw new Error('ApiVersions: wrong correlation id');
  const code = reply.readInt16BE(8);
  if (code !== 0) throw new Error(`ApiVersions error_code ${code}`);
}

/**
 * FindCoordinator (v0) for a throwaway group until the broker names one. The first such
 * request makes the broker create __consumer_offsets; doing it here means the tests'
 * first consumer group joins at once instead of retrying.
 */
async function groupCoordinatorReady(port: number): Promise<void> {
  const group = Buffer.from('test-servers-warmup');
  const length = Buffer.alloc(2);
  length.writeInt16BE(group.length);
  const reply = await tcpExchange(port, request(10, 7, Buffer.concat([length, group])), complete);
  const code = reply.readInt16BE(8);
  // 15 = COORDINATOR_NOT_AVAILABLE while __consumer_offsets is being created.
  if (code !== 0) throw new Error(`FindCoordinator error_code ${code}`);
}

export const kafka: Recipe = {
  name: 'kafka',
  envVar: 'KAFKA_BROKERS',
  portCount: 2,
  // Generous: a loaded 2-core machine starts JVMs slowly.
  startTimeoutMs: 120_000,
  stopGraceMs: 20_000,
  install,
  prepare,
  processes: (layout) => [
    {
      label: 'kafka',
      command: javaBin(),
      args: [...JVM, LOG4J, '-cp', readClasspath('kafka'), 'kafka.Kafka', propertiesFile(layout)],
      cwd: layout.dir,
      logFile: logFile(layout),
      port: brokerPort(layout),
      readyLine: /Kafka Server started/,
      probe: () => probeKafka(brokerPort(layout)),
    },
  ],
  ready: (layout) => pollUntil('kafka: group coordinator not available', () => groupCoordinatorReady(brokerPort(layout)), 30_000),
  url: (layout) => `127.0.0.1:${brokerPort(layout)}`,
};
