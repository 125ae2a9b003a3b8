import type { z } from 'zod';
import { commonEnvSchema, servicePorts } from '@alertlark/service-kit';

export const policyRouterEnvSchema = commonEnvSchema.extend({ POLICY_ROUTER_PORT: servicePorts['policy-router'] });
export type PolicyRouterEnv = z.output<typeof policyRouterEnvSchema>;
