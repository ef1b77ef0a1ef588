/**
 * The baseline: a bare node:http server that answers each scenario's path with exactly the
 * response (status, content type, body bytes) the subgraph gave for that scenario. It reads
 * the request body before answering, as the subgraph must. Started by bench/run.ts, which
 * sends it the captured responses over IPC (once it asks for them) and waits for its port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CapturedResponse, ChildMessage, ParentMessage } from './lib/ipc.js';

interface Prepared {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

function report(message: ChildMessage): void {
  process.send?.(message);
}

function prepare(responses: CapturedResponse[]): Map<string, Prepared> {
  const byPath = new Map<string, Prepared>();
  for (const response of responses) {
    const body = Buffer.from(response.bodyBase64, 'base64');
    byPath.set(response.path, { status: response.status, headers: { ...response.headers, 'content-length': body.length }, body });
  }
  return byPath;
}

function listen(byPath: Map<string, Prepared>): void {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const prepared = byPath.get(req.url ?? '');
    req.on('data', () => undefined);
    req.on('end', () => {
      if (!prepared) {
        res.writeHead(404, { 'content-length': 0 });
        res.end();
        return;
      }
      res.writeHead(prepared.status, prepared.headers);
      res.end(prepared.body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    report({ type: 'listening', port: (server.address() as AddressInfo).port, pid: process.pid });
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

if (!process.send) {
  process.stderr.write('bare-server: start it from bench/run.ts (it needs the IPC channel)\n');
  process.exit(2);
}
process.once('message', (message: ParentMessage) => {
  if (message.type === 'responses') listen(prepare(message.responses));
});
// Handshake: messages sent before the listener above exists could be lost.
report({ type: 'awaiting-responses' });
