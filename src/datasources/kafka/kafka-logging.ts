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
 * kafkajs logs every error response at error level before its caller sees it. A
 * CreateTopics answer naming a topic that exists already is normal when several
 * instances start at once, and any other failure reaches `ensureTopics` as a thrown error.
 */
function isExpectedError(namespace: string, message: unknown): boolean {
  return namespace === 'Connection' && typeof message === 'string' && message.startsWith('Response CreateTopics');
}

/** kafkajs `logCreator` writing through a pino-style logger, one structured line per entry. */
export function routeTo(logger: BusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra }: Record<string, unknown> = log;
      const details = { component: 'kafkajs', namespace, ...extra };
      const text = typeof message === 'string' ? message : 'kafkajs';
      if (level === KafkaLogLevel.ERROR && !isExpectedError(namespace, message)) logger.error(details, text);
      else if (level === KafkaLogLevel.WARN) logger.warn(details, text);
      else if (level === KafkaLogLevel.INFO) logger.info(details, text);
      else logger.debug(details, text);
    };
}
