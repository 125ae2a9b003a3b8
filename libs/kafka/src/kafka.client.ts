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

export function createKafka({ clientId, brokers, redactLine, logStream = process.stdout, ssl, sasl, topics }: KafkaConnection): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const kafka = new Kafka({
    clientId,
    brokers,
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
    logLevel: logLevel.WARN,
    logCreator: jsonKafkaLogCreator(logStream, redactLine),
    retry: { initialRetryTime: 200, retries: 10 },
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
