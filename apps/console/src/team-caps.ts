import { HttpException, HttpStatus } from '@nestjs/common';
import type { ConsoleEnv } from './console.env';

/**
 * How much configuration one team may hold. Teams share the router, whose memory and per-alert
 * work grow with every policy, silence and rule of every team: a cap keeps one team's script gone
 * wrong from slowing the others. Checked by counting before the insert, so two creates at the same
 * instant may both pass at the limit: a cap is a guard rail, not an invariant.
 */
export interface TeamCaps {
  chatbots: number;
  policies: number;
  /** Pending or active: expired silences are history and do not count. */
  silences: number;
  inhibitionRules: number;
}

export const TEAM_CAPS = Symbol('TEAM_CAPS');

export function teamCapsOf(env: Pick<ConsoleEnv, 'CONSOLE_TEAM_MAX_CHATBOTS' | 'CONSOLE_TEAM_MAX_POLICIES' | 'CONSOLE_TEAM_MAX_SILENCES' | 'CONSOLE_TEAM_MAX_INHIBITION_RULES'>): TeamCaps {
  return {
    chatbots: env.CONSOLE_TEAM_MAX_CHATBOTS,
    policies: env.CONSOLE_TEAM_MAX_POLICIES,
    silences: env.CONSOLE_TEAM_MAX_SILENCES,
    inhibitionRules: env.CONSOLE_TEAM_MAX_INHIBITION_RULES,
  };
}

/** 409 `limit_reached` naming the limit when the team already has `count` of at most `limit`. */
export function rejectIfAtCap(what: string, count: number, limit: number): void {
  if (count < limit) return;
  throw new HttpException(
    { error: 'limit_reached', message: `a team may have at most ${limit} ${what}; it has ${count}: delete one first`, details: { limit, count } },
    HttpStatus.CONFLICT,
  );
}
