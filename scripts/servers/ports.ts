/** Free loopback ports and the raw TCP exchanges the readiness probes are built on. */
import net from 'node:net';

/** n distinct free loopback ports: bind all to port 0 at once, note the ports, release them. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
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
