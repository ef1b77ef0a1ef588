/**
 * The RSVP benchmark's baseline: the raw MongoDB driver doing the single-document write of
 * an answer — `updateOne({ _id: '<eventId>:<userId>' }, { $set: answer fields },
 * { upsert: true })`, a fresh answer each time — on the same FerretDB, with a fixed number
 * in flight. Started by bench/sections/rsvp.ts pinned to the server core, like the
 * subgraph; configured by BENCH_RAW (JSON: url, database, collection, events); runs when
 * asked over IPC (`raw-run`) and answers with `raw-result`.
 */
import { MongoClient } from 'mongodb';
import type { ChildMessage, ParentMessage, RawRunResult } from './lib/ipc.js';

interface RawConfig {
  url: string;
  database: string;
  collection: string;
  /** Event ids the answers are spread over (any strings do; the subgraph run's are used). */
  events: string[];
}

function report(message: ChildMessage): void {
  process.send?.(message);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  if (!process.send) {
    process.stderr.write('raw-upsert: start it from bench/run.ts (it needs the IPC channel)\n');
    process.exit(2);
  }
  const config = JSON.parse(process.env.BENCH_RAW ?? '{}') as RawConfig;
  // The options the service's store uses (src/datasources/mongo/mongo-document-store.ts).
  const client = new MongoClient(config.url, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const collection = client.db(config.database).collection<{ _id: string }>(config.collection);
  let sequence = 0;

  const run = async (seconds: number, concurrency: number): Promise<RawRunResult> => {
    let latencies = new Float64Array(1 << 16);
    let ops = 0;
    let errors = 0;
    let firstError: string | null = null;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const n = sequence++;
        const eventId = config.events[n % config.events.length]!;
        const userId = `raw-user-${process.pid}-${n}`;
        const now = new Date();
        const t0 = performance.now();
        try {
          await collection.updateOne(
            { _id: `${eventId}:${userId}` },
            {
              $set: {
                eventId,
                userId,
                status: 'GOING',
                bucket: 'GOING',
                waitlistSeq: null,
                respondedAt: now,
                updatedAt: now,
                checkIn: null,
                checkedInAt: null,
                checkedInBy: null,
              },
            },
            { upsert: true },
          );
          if (ops === latencies.length) {
            const grown = new Float64Array(latencies.length * 2);
            grown.set(latencies);
            latencies = grown;
          }
          latencies[ops++] = performance.now() - t0;
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const durationS = (performance.now() - started) / 1000;
    const sorted = latencies.slice(0, ops).sort();
    return {
      ops,
      errors,
      firstError,
      durationS,
      opsPerSecond: ops / durationS,
      latencyP50Ms: percentile(sorted, 50),
      latencyP99Ms: percentile(sorted, 99),
      latencyMaxMs: ops > 0 ? sorted[ops - 1]! : Number.NaN,
    };
  };

  let queue = Promise.resolve();
  process.on('message', (message: ParentMessage) => {
    if (message.type !== 'raw-run') return;
    queue = queue.then(async () => report({ type: 'raw-result', result: await run(message.seconds, message.concurrency) }));
  });
  process.once('disconnect', () => {
    void queue.finally(() => client.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 3_000).unref();
  });
  report({ type: 'raw-ready' });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  report({ type: 'error', message });
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
