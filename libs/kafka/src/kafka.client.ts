import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaConnection {
  clientId: string;
  brokers: string[];
}

const levelNames: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs as the services do: one JSON object per line on stdout. */
function jsonLogCreator() {
  return ({ level, log, namespace }: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...rest } = log;
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: levelNames[level] ?? 'info', context: `kafkajs.${namespace}`, message, ...rest })}\n`,
    );
  };
}

export function createKafka({ clientId, brokers }: KafkaConnection): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: jsonLogCreator,
    retry: { initialRetryTime: 200, retries: 10 },
  });
}

export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}
