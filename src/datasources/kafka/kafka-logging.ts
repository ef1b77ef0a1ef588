import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';

/** The pino methods the bus uses (a pino logger fits). */
export interface BusLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export type BusLogLevel = 'error' | 'warn' | 'info' | 'debug';

export function toKafkaLevel(level: BusLogLevel): KafkaLogLevel {
  const levels = { error: KafkaLogLevel.ERROR, warn: KafkaLogLevel.WARN, info: KafkaLogLevel.INFO, debug: KafkaLogLevel.DEBUG };
  return levels[level];
}

/**
 * kafkajs logs every error response at error level before its caller sees it. Two are
 * part of `ensureTopics`' normal course, and any other failure there reaches it as a
 * thrown error: a CreateTopics answer naming a topic that exists already (several
 * instances starting at once), and a Metadata answer that a topic just created has no
 * partition yet (it polls until it has).
 */
function isExpectedError(namespace: string, message: unknown, error: unknown): boolean {
  if (namespace !== 'Connection' || typeof message !== 'string') return false;
  if (message.startsWith('Response CreateTopics')) return true;
  return message.startsWith('Response Metadata') && error === 'This server does not host this topic-partition';
}

/** The same kafkajs error or warning is written at most once per this long, with how many were left out. */
const REPEAT_INTERVAL_MS = 60_000;

/**
 * kafkajs `logCreator` writing through a pino-style logger, one structured line per entry.
 * While a broker is away kafkajs reports every retry of every connection (a 46 s outage
 * wrote about a thousand lines); a line repeated within a minute is counted instead, and
 * the next one written says how many were left out.
 */
export function routeTo(logger: BusLogger, now: () => number = Date.now): logCreator {
  const seen = new Map<string, { at: number; skipped: number }>();
  const firstInAWhile = (namespace: string, text: string, details: Record<string, unknown>): boolean => {
    const key = `${namespace}\u0000${text}\u0000${String(details.error ?? '')}`;
    const last = seen.get(key);
    const at = now();
    if (last && at - last.at < REPEAT_INTERVAL_MS) {
      last.skipped += 1;
      return false;
    }
    if (last?.skipped) details.repeatedSinceLastLine = last.skipped;
    if (seen.size > 1_000) seen.clear();
    seen.set(key, { at, skipped: 0 });
    return true;
  };
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra }: Record<string, unknown> = log;
      const details: Record<string, unknown> = { component: 'kafkajs', namespace, ...extra };
      const text = typeof message === 'string' ? message : 'kafkajs';
      if (level === KafkaLogLevel.ERROR && !isExpectedError(namespace, message, extra.error)) {
        if (firstInAWhile(namespace, text, details)) logger.error(details, text);
      } else if (level === KafkaLogLevel.WARN) {
        if (firstInAWhile(namespace, text, details)) logger.warn(details, text);
      } else if (level === KafkaLogLevel.INFO) logger.info(details, text);
      else logger.debug(details, text);
    };
}
