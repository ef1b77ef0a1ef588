/** Free loopback ports and the raw TCP exchanges the readiness probes are built on. */
import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * The ports the kernel hands out to outgoing connections (Linux: ip_local_port_range).
 * A server that is stopped and restarted on its port during a test (the dedicated
 * servers) must not listen inside it: while it is down, any client's outgoing
 * connection may be given that port, and the restart then fails to bind.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return [49152, 65535];
}

/** Where server ports are drawn from: the registered ports below the ephemeral range. */
const SERVER_PORTS = ((): [number, number] => {
  const [low] = ephemeralRange();
  return low > 20_000 ? [10_000, low - 1] : [ephemeralRange()[1] + 1, 65_535];
})();

function bind(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * n distinct free loopback ports outside the ephemeral range: random candidates, each
 * bound to prove it free, all held until the last is found, then released.
 */
export async function freePorts(n: number): Promise<number[]> {
  const [low, high] = SERVER_PORTS;
  const servers: net.Server[] = [];
  try {
    for (let attempts = 0; servers.length < n; attempts++) {
      if (attempts > 1_000) throw new Error(`no ${n} free loopback ports found in ${low}-${high}`);
      const server = await bind(low + Math.floor(Math.random() * (high - low + 1)));
      if (server) servers.push(server);
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/**
 * Resolves once every port can be bound again: a server killed outright can still hold
 * its listening socket for a moment after its process is gone, and a restart on the same
 * port then fails with "Address already in use". False when one stayed taken.
 */
export async function waitPortsFree(ports: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bound = await Promise.all(ports.map(bind));
    await Promise.all(bound.map((server) => server && new Promise((resolve) => server.close(resolve))));
    if (bound.every((server) => server !== null)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Connects to 127.0.0.1:port, writes `request` and collects the reply until `isComplete`
 * says so. Rejects on a socket error, an early close or after `timeoutMs`.
 */
export function tcpExchange(port: number, request: string | Buffer, isComplete: (reply: Buffer) => boolean, timeoutMs = 3_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = Buffer.alloc(0);
    const done = (error: Error | null) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    };
    const timer = setTimeout(() => done(new Error('no reply in time')), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      if (isComplete(reply)) done(null);
    });
    socket.on('error', (error) => done(error));
    socket.on('end', () => done(new Error(`connection closed after ${reply.length} bytes`)));
  });
}
