import { EVENTS, alertEventKey, alertEventSchema, toLabelPairs, type AlertEvent, type ConfigEvent, type NotificationPolicyConfig } from '@alertlark/contracts';
import { alertPartition } from '@alertlark/kafka';
import { alertFingerprint } from '@alertlark/routing';

/** The shape of one benchmark run: who is configured and how many alert events are sent. */
export interface LoadShape {
  runId: string;
  teams: number;
  policiesPerTeam: number;
  /** Distinct label sets (alerts); events cycle through them in rounds. */
  distinctAlerts: number;
  /** Alert events sent. */
  alerts: number;
  /** The policies' group wait and interval (defaults 1s and 5s). */
  groupWait?: string;
  groupInterval?: string;
}

/** A pre-serialised Kafka message for `alertlark.alerts.v1`. */
export interface LoadMessage {
  key: string;
  value: string;
  /** Alerts are partitioned by team, as ingest publishes them. */
  partition: number;
}

export type EventKind = 'new' | 'resend' | 'resolve' | 'refire';

export interface AlertLoad {
  messages: LoadMessage[];
  kinds: Record<EventKind, number>;
  alertnames: number;
  /** Events whose labels some policy takes. */
  matching: number;
}

const SEVERITIES = ['critical', 'warning', 'info'] as const;
/** Alertnames per team: with the defaults, 20 teams × 10 = 200 alertnames. */
const NAMES_PER_TEAM = 10;

const teamIds = new Map<string, string>();
/**
 * Team *t*'s id, salted so that it lands on partition t mod 12: with a multiple of 12 teams, every
 * partition carries the same load, however a group splits them among routers. Left to hashing,
 * the busier of two routers held 12 of 20 teams on median (10-14 in 200 draws), which alone held
 * two routers to 20/12 = 1.67x one router's rate.
 */
export function teamId(shape: Pick<LoadShape, 'runId'>, team: number): string {
  const plain = `${shape.runId}-team-${team}`;
  let id = teamIds.get(plain);
  if (id === undefined) {
    for (let salt = 0; id === undefined; salt++) if (alertPartition(`${plain}-${salt}`) === team % EVENTS.alerts.partitions) id = `${plain}-${salt}`;
    teamIds.set(plain, id);
  }
  return id;
}
const policyId = (shape: LoadShape, team: number, k: number) => `${shape.runId}-pol-${team}-${k}`;
const objectId = (shape: LoadShape, team: number, k: number) => `${shape.runId}-obj-${team}-${k}`;

/** Policy k of a team takes `service="svc-k"`; odd ones only critical and warning alerts. */
function policyMatchers(k: number): string[] {
  return k % 2 === 1 ? [`service="svc-${k}"`, 'severity=~"critical|warning"'] : [`service="svc-${k}"`];
}

/**
 * Configuration published straight to the config topic, as the console would: the teams, their
 * policies (one fake chatbot each), and, first, `object.deleted` for those chatbots, so a
 * lark-sender that sees this run's notifications (another fleet on the same Kafka) drops them at
 * once instead of waiting for chatbots that never come.
 */
export function configEvents(shape: LoadShape): ConfigEvent[] {
  const events: ConfigEvent[] = [];
  for (let team = 0; team < shape.teams; team++) {
    events.push({ type: 'team.upserted', team: { id: teamId(shape, team), name: `bench ${team}`, ingestTokenHash: `${shape.runId}-ingest-${team}` } });
    for (let k = 0; k < shape.policiesPerTeam; k++) events.push({ type: 'object.deleted', teamId: teamId(shape, team), objectId: objectId(shape, team, k) });
  }
  for (let team = 0; team < shape.teams; team++) {
    for (let k = 0; k < shape.policiesPerTeam; k++) {
      const policy: NotificationPolicyConfig = {
        id: policyId(shape, team, k),
        teamId: teamId(shape, team),
        name: `bench policy ${k}`,
        matchers: policyMatchers(k),
        objectIds: [objectId(shape, team, k)],
        groupBy: ['alertname'],
        groupWait: shape.groupWait ?? '1s',
        groupInterval: shape.groupInterval ?? '5s',
        repeatInterval: '1h',
        sendResolved: true,
        enabled: true,
      };
      events.push({ type: 'policy.upserted', policy });
    }
  }
  return events;
}

/** The config key of the policy published last: once a router has it, it has them all. */
export function lastPolicyKey(shape: LoadShape): string {
  return `policy/${policyId(shape, shape.teams - 1, shape.policiesPerTeam - 1)}`;
}

/** Deleting the teams drops their policies from every ConfigView that replays the topic later. */
export function teardownEvents(shape: LoadShape): ConfigEvent[] {
  return Array.from({ length: shape.teams }, (_, team) => ({ type: 'team.deleted' as const, teamId: teamId(shape, team) }));
}

interface DistinctAlert {
  teamId: string;
  fingerprint: string;
  labels: AlertEvent['labels'];
  alertname: string;
  matches: boolean;
}

/**
 * Distinct alert `a` belongs to team `a % teams`; within the team (index j) it runs service
 * `svc-(j % policiesPerTeam)` with severity `j % 3`, and shares its alertname with one other alert
 * of the same service, so most groups (policy × alertname) hold two alerts.
 */
function distinctAlert(shape: LoadShape, a: number): DistinctAlert {
  const team = a % shape.teams;
  const j = Math.floor(a / shape.teams);
  const service = j % shape.policiesPerTeam;
  const severity = SEVERITIES[j % SEVERITIES.length]!;
  const nameIndex = team * NAMES_PER_TEAM + ((Math.floor(j / (2 * shape.policiesPerTeam)) * 5 + (j % 5)) % NAMES_PER_TEAM);
  const alertname = `BenchAlert${nameIndex}`;
  const labels = toLabelPairs({ alertname, service: `svc-${service}`, severity, instance: `host-${a}`, job: 'bench' });
  const matches = service % 2 === 0 || severity !== 'info';
  return { teamId: teamId(shape, team), fingerprint: alertFingerprint(labels), labels, alertname, matches };
}

/**
 * The alert events, in sending order: round r sends every distinct alert once (event n is alert
 * n % distinct in round n / distinct). Round 0 is new firing alerts; later rounds mostly re-send
 * them unchanged (the dedup path), resolve a tenth ((a + r) % 10 = 0) and fire again those resolved
 * in the round before, with a new startsAt. As from Alertmanager: firing without endsAt, resolved
 * with it. Every event is checked against the contract before it is serialised.
 */
export function buildAlertLoad(shape: LoadShape, now = Date.now()): AlertLoad {
  const alerts = Array.from({ length: shape.distinctAlerts }, (_, a) => distinctAlert(shape, a));
  const startsAt = alerts.map((_, a) => new Date(now - (shape.distinctAlerts - a) * 1_000).toISOString());
  const firing = alerts.map(() => false);
  const kinds: Record<EventKind, number> = { new: 0, resend: 0, resolve: 0, refire: 0 };
  const messages: LoadMessage[] = [];
  const receivedAt = new Date(now).toISOString();
  let matching = 0;
  for (let n = 0; n < shape.alerts; n++) {
    const a = n % shape.distinctAlerts;
    const round = Math.floor(n / shape.distinctAlerts);
    const alert = alerts[a]!;
    let kind: EventKind;
    if (round === 0) kind = 'new';
    else if (!firing[a]) kind = 'refire';
    else if ((a + round) % 10 === 0) kind = 'resolve';
    else kind = 'resend';
    if (kind === 'refire') startsAt[a] = new Date(now + round * 1_000).toISOString();
    firing[a] = kind !== 'resolve';
    kinds[kind]++;
    if (alert.matches) matching++;
    const event: AlertEvent = alertEventSchema.parse({
      eventId: `${shape.runId}-e${n}`,
      teamId: alert.teamId,
      fingerprint: alert.fingerprint,
      status: kind === 'resolve' ? 'resolved' : 'firing',
      labels: alert.labels,
      annotations: [{ name: 'summary', value: `${alert.alertname} on ${alert.labels.find((label) => label.name === 'instance')!.value}` }],
      startsAt: startsAt[a],
      ...(kind === 'resolve' ? { endsAt: receivedAt } : {}),
      source: 'alertmanager',
      receivedAt,
    });
    messages.push({ key: alertEventKey(event), value: JSON.stringify(event), partition: alertPartition(event.teamId) });
  }
  return { messages, kinds, alertnames: new Set(alerts.map((alert) => alert.alertname)).size, matching };
}
