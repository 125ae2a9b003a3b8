import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type LogEntry, type SASLOptions, type logCreator } from 'kafkajs';
import { useTopicSettings, type TopicSettings } from './topics.admin';

/** How to reach the cluster: TLS (`true`, or options such as a CA) and SASL credentials when it asks for them. */
export interface KafkaSecurity {
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

export interface KafkaConnection extends KafkaSecurity {
  clientId: string;
  brokers: string[];
  /** Applied to each kafkajs log line before it is written: the services pass their `redact`. */
  redactLine?: (line: string) => string;
  /** Where kafkajs's lines go: stdout for services, stderr for commands whose stdout is their answer. */
  logStream?: NodeJS.WritableStream;
  /** What every topic `ensureTopics` creates through this client gets; unset: the broker's defaults. */
  topics?: TopicSettings;
}

const levelNames: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs log entry as the services log: one JSON object, passed through `redactLine`. */
export function kafkaLogLine({ level, log, namespace }: LogEntry, redactLine: (line: string) => string = (line) => line, now = new Date()): string {
  const { message, timestamp: _timestamp, logger: _logger, ...rest } = log;
  return redactLine(JSON.stringify({ time: now.toISOString(), level: levelNames[level] ?? 'info', context: `kafkajs.${namespace}`, message, ...rest }));
}

/** A kafkajs `logCreator` writing `kafkaLogLine`s to a stream: stdout for services, stderr for CLIs. */
export function jsonKafkaLogCreator(stream: NodeJS.WritableStream, redactLine?: (line: string) => string): logCreator {
  return () => (entry) => void stream.write(`${kafkaLogLine(entry, redactLine)}\n`);
}

/**
 * How every client retries a request: at most a second apart, for about 30 s. kafkajs' default
 * cap of 30 s between tries let a client notice a restarted broker 20 s after it was back. And the
 * 30 s ride out a broker restart: a consumer whose retries ran out crashed, kafkajs restarted it
 * as a new member, and the group, reloaded by the broker with the old member still in it, waited
 * the session timeout for that one before assigning anything (10 s without a card).
 */
export const KAFKA_RETRY = { initialRetryTime: 200, maxRetryTime: 1_000, retries: 30 } as const;

export function createKafka({ clientId, brokers, redactLine, logStream = process.stdout, ssl, sasl, topics }: KafkaConnection): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const kafka = new Kafka({
    clientId,
    brokers,
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
    logLevel: logLevel.WARN,
    logCreator: jsonKafkaLogCreator(logStream, redactLine),
    retry: KAFKA_RETRY,
  });
  if (topics) useTopicSettings(kafka, topics);
  return kafka;
}

export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}
