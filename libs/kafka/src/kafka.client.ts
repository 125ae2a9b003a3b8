import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';

export interface KafkaConnection {
  clientId: string;
  brokers: string[];
  /** Applied to each kafkajs log line before it is written: the services pass their `redact`. */
  redactLine?: (line: string) => string;
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

export function createKafka({ clientId, brokers, redactLine }: KafkaConnection): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: jsonKafkaLogCreator(process.stdout, redactLine),
    retry: { initialRetryTime: 200, retries: 10 },
  });
}

export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}
