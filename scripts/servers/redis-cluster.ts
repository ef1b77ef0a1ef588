/**
 * A three-node Redis Cluster (three masters, no replicas) from Debian's redis-server,
 * created with `redis-cli --cluster create`. Each node keeps its cluster configuration
 * (nodes.conf) in its data dir, so the nodes find each other again after a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runLogged, which } from './commands.js';
import type { InstanceLayout, Recipe } from './recipe.js';
import { installRedis, probeRedis, redisCommand, redisServerArgs, redisServerBin } from './redis.js';
import { pollUntil } from './wait-ready.js';

const NODES = 3;

const nodeDir = (layout: InstanceLayout, index: number) => path.join(layout.dataDir, `node-${index + 1}`);
/** Client ports first, then each node's cluster-bus port (by default port + 10000, which may be taken or past 65535). */
const clientPorts = (layout: InstanceLayout) => layout.ports.slice(0, NODES);
const busPort = (layout: InstanceLayout, index: number) => layout.ports[NODES + index]!;

/** Every node must report `cluster_state:ok` and know all the others. */
async function clusterOk(port: number): Promise<void> {
  const reply = await redisCommand(port, 'CLUSTER INFO');
  const field = (name: string) => new RegExp(`${name}:(\\S+)`).exec(reply)?.[1];
  if (field('cluster_state') !== 'ok' || Number(field('cluster_known_nodes')) !== NODES || Number(field('cluster_slots_ok')) !== 16384) {
    throw new Error(`node 127.0.0.1:${port} not ready: ${reply.replace(/\r\n/g, ' ').slice(0, 200)}`);
  }
}

export const redisCluster: Recipe = {
  name: 'redis-cluster',
  envVar: 'REDIS_CLUSTER_URL',
  portCount: NODES * 2,
  startTimeoutMs: 30_000,
  stopGraceMs: 5_000,
  install: installRedis,
  async prepare(layout) {
    for (let index = 0; index < NODES; index++) fs.mkdirSync(nodeDir(layout, index), { recursive: true });
  },
  processes: (layout) =>
    clientPorts(layout).map((port, index) => {
      const dir = nodeDir(layout, index);
      return {
        label: `redis-cluster node ${index + 1}`,
        command: redisServerBin(),
        args: [
          ...redisServerArgs(port, dir, layout.persistent),
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf',
          '--cluster-port', String(busPort(layout, index)),
          // Notice a stopped node within two seconds (default 15).
          '--cluster-node-timeout', '2000',
        ],
        cwd: layout.dir,
        logFile: path.join(layout.dir, `node-${index + 1}.log`),
        port,
        probe: () => probeRedis(port),
      };
    }),
  async initialize(layout) {
    const cli = which('redis-cli');
    if (!cli) throw new Error('redis-cluster: redis-cli is not installed; run `npm run servers install`');
    const nodes = clientPorts(layout).map((port) => `127.0.0.1:${port}`);
    await runLogged('redis-cluster: create', cli, ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      logFile: path.join(layout.dir, 'create.log'),
    });
  },
  async ready(layout, timeoutMs) {
    await Promise.all(clientPorts(layout).map((port) => pollUntil(`redis-cluster: node ${port} not ok`, () => clusterOk(port), timeoutMs)));
  },
  url: (layout) => clientPorts(layout).map((port) => `redis://127.0.0.1:${port}`).join(','),
};
