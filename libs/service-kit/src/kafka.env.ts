import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseBrokers, type KafkaSecurity, type TopicSettings } from '@alertlark/kafka';

/** Unset and blank (`${VAR:-}` in compose files) are the same. */
const optionalText = () => z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), z.string().optional());
const replicas = (fallback: number) => z.coerce.number().int().min(1).max(32).default(fallback);

/** Where Kafka is, how to reach it, and how durable the topics the services create are. */
export const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  KAFKA_TLS: z.stringbool({ error: 'must be true or false' }).default(false),
  /** PEM file of the CA that signed the brokers' certificates, when not one the system trusts. */
  KAFKA_TLS_CA_FILE: optionalText(),
  KAFKA_SASL_MECHANISM: z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value), z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional()),
  KAFKA_SASL_USERNAME: optionalText(),
  KAFKA_SASL_PASSWORD: optionalText(),
  KAFKA_TOPIC_REPLICATION_FACTOR: replicas(1),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: replicas(1),
});
export type KafkaEnv = z.output<typeof kafkaEnvSchema>;

export interface KafkaSettings extends KafkaSecurity {
  brokers: string[];
  topics: TopicSettings;
}

/**
 * The client settings the Kafka variables describe, with what one variable cannot check alone: SASL
 * needs a username and a password, a CA file needs TLS and must be readable, and a write cannot
 * need more in-sync replicas than a topic has.
 */
export function kafkaSettings(env: KafkaEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): KafkaSettings {
  const problems: string[] = [];
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (mechanism && (!username || !password)) problems.push(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: both required with KAFKA_SASL_MECHANISM=${mechanism}`);
  if (!mechanism && (username || password)) problems.push('KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD (plain, scram-sha-256 or scram-sha-512)');
  let ca: string | undefined;
  if (env.KAFKA_TLS_CA_FILE) {
    if (!env.KAFKA_TLS) problems.push('KAFKA_TLS_CA_FILE: set KAFKA_TLS=true to use it');
    try {
      ca = readFile(env.KAFKA_TLS_CA_FILE);
    } catch (error) {
      problems.push(`KAFKA_TLS_CA_FILE: cannot read ${env.KAFKA_TLS_CA_FILE} (${(error as Error).message})`);
    }
  }
  if (env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS > env.KAFKA_TOPIC_REPLICATION_FACTOR) {
    problems.push(`KAFKA_TOPIC_MIN_INSYNC_REPLICAS: ${env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS} is more than KAFKA_TOPIC_REPLICATION_FACTOR (${env.KAFKA_TOPIC_REPLICATION_FACTOR}): no write would ever be acknowledged`);
  }
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return {
    brokers: parseBrokers(env.KAFKA_BROKERS),
    ...(env.KAFKA_TLS ? { ssl: ca ? { ca } : true } : {}),
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
    topics: { replicationFactor: env.KAFKA_TOPIC_REPLICATION_FACTOR, minInsyncReplicas: env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS },
  };
}
