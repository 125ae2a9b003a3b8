import { Injectable } from '@nestjs/common';
import { ConfigFeed } from '@alertlark/kafka';
import { JsonLogger } from '@alertlark/service-kit';
import {
  compileInhibitionRule,
  compilePolicy,
  compileSilence,
  type CompiledInhibitionRule,
  type CompiledPolicy,
  type CompiledSilence,
} from '@alertlark/routing';

interface TeamRouting {
  policies: CompiledPolicy[];
  /** The silences that have not ended: an ended one can mute nothing, so no flush checks it. */
  silences: CompiledSilence[];
  /** When the first of them ends: then they are filtered again. */
  silencesChangeAt: number;
  inhibitionRules: CompiledInhibitionRule[];
}

/** The silences not ended at `now`, and when the first of those ends. */
function liveSilences(silences: readonly CompiledSilence[], now: number): Pick<TeamRouting, 'silences' | 'silencesChangeAt'> {
  const live = silences.filter((silence) => silence.endsAt > now);
  return { silences: live, silencesChangeAt: Math.min(...live.map((silence) => silence.endsAt)) };
}

/**
 * A team's policies, silences and inhibition rules, compiled once per configuration revision
 * rather than per alert. Something that does not compile is skipped and logged: the console
 * refuses such input, and one bad entry must not stop the team's others.
 */
@Injectable()
export class RoutingCatalog {
  private compiled = new Map<string, TeamRouting>();
  private compiledAt = -1;

  constructor(
    private readonly config: ConfigFeed,
    private readonly logger: JsonLogger,
  ) {}

  policiesOf(teamId: string): readonly CompiledPolicy[] {
    return this.team(teamId).policies;
  }

  policy(teamId: string, policyId: string): CompiledPolicy | undefined {
    return this.team(teamId).policies.find((policy) => policy.id === policyId);
  }

  /** The team's silences that have not ended by `now`; a later event extending one brings it back. */
  silencesOf(teamId: string, now = Date.now()): readonly CompiledSilence[] {
    const routing = this.team(teamId, now);
    if (now >= routing.silencesChangeAt) Object.assign(routing, liveSilences(routing.silences, now));
    return routing.silences;
  }

  inhibitionRulesOf(teamId: string): readonly CompiledInhibitionRule[] {
    return this.team(teamId).inhibitionRules;
  }

  private team(teamId: string, now = Date.now()): TeamRouting {
    const view = this.config.view;
    if (this.compiledAt !== view.getRevision()) {
      this.compiled = new Map();
      this.compiledAt = view.getRevision();
    }
    let routing = this.compiled.get(teamId);
    if (!routing) {
      routing = {
        policies: this.compileEach('policy', view.policiesOf(teamId), compilePolicy),
        // Ended ones are not even compiled.
        ...liveSilences(this.compileEach('silence', view.silencesOf(teamId).filter((silence) => Date.parse(silence.endsAt) > now), compileSilence), now),
        inhibitionRules: this.compileEach('inhibition rule', view.inhibitionRulesOf(teamId), compileInhibitionRule),
      };
      this.compiled.set(teamId, routing);
    }
    return routing;
  }

  private compileEach<C extends { id: string }, T>(kind: string, configs: readonly C[], compile: (config: C) => T): T[] {
    return configs.flatMap((config) => {
      try {
        return [compile(config)];
      } catch (error) {
        this.logger.event('error', `${kind} skipped: it does not compile`, { id: config.id, error: String(error) });
        return [];
      }
    });
  }
}
