import { z } from 'zod';
import { commonEnvSchema, internalPortSchema, servicePorts } from '@alertlark/service-kit';
import { parseDuration } from '@alertlark/routing';
import { MAX_GROUP_MEMBERS_LIMIT } from '@alertlark/contracts';
import { DEFAULT_MAX_GROUP_MEMBERS } from './partition-state';

const durationMs = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseDuration(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: String(error instanceof Error ? error.message : error) });
        return z.NEVER;
      }
    });

export const policyRouterEnvSchema = commonEnvSchema.extend({
  POLICY_ROUTER_PORT: servicePorts['policy-router'],
  POLICY_ROUTER_INTERNAL_PORT: internalPortSchema,
  /** Alertmanager's resolve_timeout: how long a pushed alert without `endsAt` stays firing. */
  ALERTLARK_RESOLVE_TIMEOUT: durationMs('5m'),
  /**
   * How long a dead replica keeps its groups before another takes them over, and how long the group
   * waits after a broker restart (kafkajs rejoins as a new member; the reloaded group waits out the
   * old one). 6 s is the broker's least (`group.min.session.timeout.ms`).
   */
  POLICY_ROUTER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(6_000),
  /** Members a group holds (and lists on its card); alerts past them are counted, not held. */
  POLICY_ROUTER_MAX_GROUP_MEMBERS: z.coerce.number().int().min(1).max(MAX_GROUP_MEMBERS_LIMIT).default(DEFAULT_MAX_GROUP_MEMBERS),
});
export type PolicyRouterEnv = z.output<typeof policyRouterEnvSchema>;
export const POLICY_ROUTER_ENV = Symbol('POLICY_ROUTER_ENV');
