import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseBrokers, type KafkaSecurity, type TopicSettings } from '@alertlark/kafka';

/** Parses the environment once at boot; a bad or missing variable stops the service with its name. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new Error(`invalid configuration: ${problems}`);
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

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

/** Variables every service reads. */
export const commonEnvSchema = kafkaEnvSchema.extend({
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27017/alertlark'),
  HOST: z.string().default('127.0.0.1'),
  /** Where the internal port listens: loopback unless a scraper on another host must reach it. */
  INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
  ALERTLARK_CONSOLE_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** Consumer groups are `<prefix>.<service>`; a second installation on the same Kafka picks its own. */
  ALERTLARK_CONSUMER_GROUP_PREFIX: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash only').default('alertlark'),
  /**
   * Where a consumer group with no committed offsets starts. `earliest` loses nothing that was
   * published before the group first ran; `latest` is for throwaway groups (tests) on a shared log.
   */
  ALERTLARK_CONSUMER_START: z.enum(['earliest', 'latest']).default('earliest'),
});

export const servicePorts = {
  console: port(3000),
  ingest: port(3001),
  'policy-router': port(3002),
  'lark-sender': port(3003),
  stats: port(3004),
} as const;

/** `<SERVICE>_INTERNAL_PORT`: unset, the service's port + 1000 (`internalPort`). */
export const internalPortSchema = z.coerce.number().int().min(0).max(65535).optional();

/**
 * The internal port (metrics, readiness details, applied configuration): the one configured, else
 * the public port + 1000 (4000-4004 for the defaults), so replicas given different public ports
 * on one host get different internal ones too. An ephemeral public port (0) gets an ephemeral one.
 */
export function internalPort(publicPort: number, configured: number | undefined, variable: string): number {
  if (configured !== undefined) return configured;
  if (publicPort === 0) return 0;
  const derived = publicPort + 1000;
  if (derived > 65535) throw new Error(`invalid configuration: ${variable}: the default (port ${publicPort} + 1000) is not a port; set it`);
  return derived;
}

/** ALERTLARK_WEBHOOK_HOSTS_ALLOW: comma-separated host:port values allowed besides Lark's hosts. */
export const webhookHostsAllowSchema = z
  .string()
  .default('')
  .transform((list) => list.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean));
