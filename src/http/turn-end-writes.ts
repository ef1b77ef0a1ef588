import type { ServerResponse } from 'node:http';

/** Answers held at most: the first of a batch waits for no more than this many others' work. */
const MAX_BATCH = 8;

const pending: { res: ServerResponse; body: string | Buffer }[] = [];
let scheduled = false;

/**
 * Ends `res` with `body` together with the other answers finished around it: at the end
 * of this event-loop turn, or once MAX_BATCH are waiting. A write on a loopback or LAN
 * socket wakes the reader when it sleeps, and the wake-up is most of a write's cost:
 * answers written one by one between other requests' work each paid it (a third of a
 * signed-in `event(id)`'s CPU, measured with perf), while back to back they find the
 * reader still awake. Writing every MAX_BATCH answers keeps that saving without holding
 * the first answers of a busy turn for all of its work (their latency).
 */
export function endAtTurnEnd(res: ServerResponse, body: string | Buffer): void {
  pending.push({ res, body });
  if (pending.length >= MAX_BATCH) {
    writePending();
    return;
  }
  if (scheduled) return;
  scheduled = true;
  setImmediate(writeAtTurnEnd);
}

function writeAtTurnEnd(): void {
  scheduled = false;
  writePending();
}

function writePending(): void {
  for (const { res, body } of pending.splice(0)) {
    // One answer that cannot be written must not keep the rest of the batch from theirs.
    try {
      res.end(body);
    } catch (error) {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
