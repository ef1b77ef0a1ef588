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

/** kafkajs `logCreator` writing through a pino-style logger, one structured line per entry. */
export function routeTo(logger: BusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra }: Record<string, unknown> = log;
      const details = { component: 'kafkajs', namespace, ...extra };
      const text = typeof message === 'string' ? message : 'kafkajs';
      if (level === KafkaLogLevel.ERROR && !isExpectedError(namespace, message, extra.error)) logger.error(details, text);
      else if (level === KafkaLogLevel.WARN) logger.warn(details, text);
      else if (level === KafkaLogLevel.INFO) logger.info(details, text);
      else logger.debug(details, text);
    };
}
