/**
 * FerretDB 1.24.2 (MongoDB wire protocol, SQLite handler), built from servers/ferretdb —
 * a small Go program embedding FerretDB, because the upstream command panics when built
 * from the module zip — into .cache/servers/bin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { capture, runLogged, which } from './commands.js';
import { sha256, stampMatches, writeStamp } from './json-file.js';
import { info, secondsSince, tail, warn } from './log.js';
import { CACHE, INSTALL_LOGS, SERVERS_SRC, rel } from './paths.js';
import { tcpExchange } from './ports.js';
import type { InstanceLayout, Recipe } from './recipe.js';

const BIN = path.join(CACHE, 'bin', 'ferretdb-test-server');
const SOURCE = path.join(SERVERS_SRC, 'ferretdb');

/** Builds the launcher unless its sources and the Go version are unchanged since the last build. */
async function install(): Promise<void> {
  const t0 = Date.now();
  const go = which('go');
  if (!go) throw new Error('ferretdb: `go` is not on PATH; FerretDB is built from its Go module (Go >= 1.24 needed)');
  const goVersion = (await capture(go, ['version'])).trim();
  const hash = sha256(goVersion, ...['go.mod', 'go.sum', 'main.go'].map((file) => fs.readFileSync(path.join(SOURCE, file))));
  const stampFile = `${BIN}.stamp.json`;
  if (fs.existsSync(BIN) && stampMatches(stampFile, hash)) {
    info('ferretdb: binary up to date', { bin: rel(BIN) });
    return;
  }
  info(`ferretdb: building FerretDB v1.24.2 with ${goVersion} (first time downloads modules; takes a few minutes)`);
  const logFile = path.join(INSTALL_LOGS, 'ferretdb-build.log');
  fs.mkdirSync(path.dirname(BIN), { recursive: true });
  const tmp = `${BIN}.${process.pid}.tmp`;
  // CGO off: FerretDB's SQLite driver is pure Go, so no C toolchain is needed.
  // -mod=readonly: build exactly what go.mod/go.sum pin, never rewrite them.
  const env = { ...process.env, CGO_ENABLED: '0' };
  const build = (extra: string[]) => runLogged('ferretdb: go build', go, ['build', '-trimpath', '-mod=readonly', ...extra, '-o', tmp, '.'], { cwd: SOURCE, env, logFile });
  try {
    await build([]);
  } catch (error) {
    // Newer Go linkers reject some dependencies' go:linkname pulls; this flag lets them link.
    if (!/linkname/i.test(tail(logFile, 200))) throw error;
    warn('ferretdb: link failed on go:linkname; retrying with -ldflags=-checklinkname=0');
    await build(['-ldflags=-checklinkname=0']);
  }
  fs.renameSync(tmp, BIN);
  writeStamp(stampFile, hash, { goVersion });
  info(`ferretdb: built in ${secondsSince(t0)}s`, { bin: rel(BIN) });
}

const int32 = (n: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(n);
  return buffer;
};
const cstring = (text: string) => Buffer.from(`${text}\0`, 'utf8');

/** BSON for {ping: 1, $db: "admin"}, the only document the probe sends. */
function bsonPing(): Buffer {
  const db = cstring('admin');
  const body = Buffer.concat([
    Buffer.from([0x10]), cstring('ping'), int32(1), // int32
    Buffer.from([0x02]), cstring('$db'), int32(db.length), db, // string
    Buffer.from([0]),
  ]);
  return Buffer.concat([int32(body.length + 4), body]);
}

/** Reads top-level `ok` from a BSON document (enough of BSON to skip the simple fields before it). */
function bsonOk(doc: Buffer): number | undefined {
  let i = 4;
  while (i < doc.length && doc[i] !== 0) {
    const type = doc[i++];
    const end = doc.indexOf(0, i);
    const key = doc.toString('utf8', i, end);
    i = end + 1;
    let value: number | undefined;
    switch (type) {
      case 0x01: value = doc.readDoubleLE(i); i += 8; break;
      case 0x10: value = doc.readInt32LE(i); i += 4; break;
      case 0x12: value = Number(doc.readBigInt64LE(i)); i += 8; break;
      case 0x08: value = doc[i] ? 1 : 0; i += 1; break;
      case 0x02: i += 4 + doc.readInt32LE(i); break;
      case 0x03: case 0x04: i += doc.readInt32LE(i); break;
      case 0x09: i += 8; break;
      case 0x07: i += 12; break;
      default: return undefined; // an unknown type: stop (ok normally comes first anyway)
    }
    if (key === 'ok') return value;
  }
  return undefined;
}

/** An OP_MSG `ping` over the MongoDB wire protocol must come back with ok: 1. */
export async function probeFerretdb(port: number): Promise<void> {
  const doc = bsonPing();
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + 4 + 1 + doc.length, 0);
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // OP_MSG
  const request = Buffer.concat([header, Buffer.alloc(4) /* flagBits */, Buffer.from([0]) /* body section */, doc]);
  const reply = await tcpExchange(port, request, (b) => b.length >= 4 && b.length >= b.readInt32LE(0));
  if (reply.readInt32LE(12) !== 2013) throw new Error(`unexpected opCode ${reply.readInt32LE(12)}`);
  const ok = bsonOk(reply.subarray(21));
  if (ok !== 1) throw new Error(`ping answered ok=${ok}`);
}

const port = (layout: InstanceLayout) => layout.ports[0]!;

export const ferretdb: Recipe = {
  name: 'ferretdb',
  envVar: 'MONGODB_URL',
  portCount: 1,
  startTimeoutMs: 30_000,
  stopGraceMs: 5_000,
  install,
  processes: (layout) => [
    {
      label: 'ferretdb',
      command: BIN,
      args: ['-port', String(port(layout)), '-data', layout.dataDir, '-log-level', 'warn'],
      cwd: layout.dir,
      logFile: path.join(layout.dir, 'ferretdb.log'),
      port: port(layout),
      readyLine: /ferretdb-test-server: listening on/,
      probe: () => probeFerretdb(port(layout)),
    },
  ],
  // retryWrites=false: FerretDB reports itself as a standalone server (no sessions or transactions).
  url: (layout) => `mongodb://127.0.0.1:${port(layout)}/?retryWrites=false&directConnection=true`,
};
