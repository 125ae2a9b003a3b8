import { z } from 'zod';
import { kafkaEnvSchema } from './kafka.env';

/** Parses the environment once at boot; a bad or missing variable stops the service with its name. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new Error(`invalid configuration: ${problems}`);
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

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

/** `<…>_RETENTION_DAYS`: how long a collection keeps its rows; its owner's sweeper deletes older ones. */
export const retentionDaysSchema = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

/** ALERTLARK_RETENTION_SWEEP_MS: how often a service deletes rows past their retention (0: never). */
export const retentionSweepMsSchema = z.coerce.number().int().min(0).max(86_400_000).default(3_600_000);
