import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { AlertGroupView } from '@alertlark/contracts';
import { WORKSPACE_ROOT, requestJson, startProcess, waitFor, waitReady, type RunningProcess } from '@alertlark/testing';
import { portEnv, startFleet, waitForConfig, type Fleet } from './support/fleet';
import { cardText, createBot, createPolicy, postWebhook, sleep } from './support/lark-bots';

/**
 * A policy's escalation step sends the group's card to the on-call chatbot with a mention when an
 * incident stays unclaimed for a minute. A claim stops it, even across a kill -9 of the router
 * between the claim and the step's due time; without a claim it fires, once, after the restart.
 */
describe('escalation: a 1-minute unclaimed step, stopped by a claim, durable across kill -9', () => {
  const run = randomBytes(3).toString('hex');
  const logDir = path.join(WORKSPACE_ROOT, 'test-artifacts', 'logs', `escalation-${run}`);
  let fleet: Fleet;
  let team: { id: string; apiToken: string; ingestToken: string };
  const extra: RunningProcess[] = [];

  beforeAll(async () => {
    fleet = await startFleet(21000, { POLICY_ROUTER_SESSION_TIMEOUT_MS: '6000' });
    team = await fleet.createTeam(`escalation-${run}`);
    await waitForConfig(fleet, 'ingest', `team/${team.id}`);
  });
  afterAll(async () => {
    await Promise.all(extra.map((process) => process.stop()));
    await fleet?.stop();
  });

  const api = <T>(method: string, route: string, body?: unknown) => requestJson<T>(method, `${fleet.url.console}${route}`, { token: team.apiToken, ...(body ? { body } : {}) });

  it('claimed: no escalation; unclaimed: the on-call chatbot gets the card once, with the mention and why', async () => {
    const team1 = await createBot(fleet, team.apiToken, 'team-chat');
    const oncall = await createBot(fleet, team.apiToken, 'on-call');
    const prefix = `esc_${run}_`;
    await createPolicy(fleet, team.apiToken, {
      name: 'escalating',
      matchers: [`alertname=~"${prefix}.*"`],
      objectIds: [team1.objectId],
      groupWait: '1s',
      groupInterval: '5s',
      repeatInterval: '4h',
      escalation: { steps: [{ after: '1m', when: 'unclaimed', objectIds: [oncall.objectId], mentions: ['all'] }] },
    });
    const claimed = `${prefix}claimed`;
    const unclaimed = `${prefix}unclaimed`;
    await postWebhook(fleet, team.ingestToken, [claimed, unclaimed].map((alertname) => ({ labels: { alertname, instance: 'db-1', severity: 'critical' } })));
    const opened = Date.now();
    await team1.cards(2, 30_000);
    const groups = await waitFor('both groups in the console', async () => {
      const items = (await api<{ items: AlertGroupView[] }>('GET', '/api/v1/alert-groups?state=open&limit=100')).body.items;
      const found = [claimed, unclaimed].map((alertname) => items.find((group) => group.groupLabels.some((label) => label.value === alertname)));
      return found.every(Boolean) ? (found as AlertGroupView[]) : undefined;
    });

    const claim = await api<{ outcome: string }>('POST', `/api/v1/alert-groups/${groups[0]!.id}/actions`, { type: 'claim', actor: 'Alice' });
    expect(claim.body.outcome).toBe('applied');
    // The claim is in the changelog once the console shows it (it projects the router's changelog).
    await waitFor('the claim to be recorded', async () => ((await api<AlertGroupView>('GET', `/api/v1/alert-groups/${groups[0]!.id}`)).body.state === 'claimed' ? true : undefined));

    // kill -9 between the claim and the step's due time; a new router restores the incidents.
    const router = fleet.processes.find((process) => process.name === 'policy-router')!;
    await router.kill();
    const restarted = startProcess('policy-router-restarted', 'policy-router', { ...fleet.env, ...portEnv('policy-router', 21050) }, logDir);
    extra.push(restarted);
    await waitReady('http://127.0.0.1:21050/readyz', 90_000);

    const [card] = await waitFor('the escalation card', async () => {
      const cards = (await oncall.messages()).filter((message) => cardText(message).includes(unclaimed));
      return cards.length > 0 ? cards : undefined;
    }, 90_000);
    const delay = Date.parse(card!.receivedAt) - opened;
    expect(delay).toBeGreaterThanOrEqual(59_000);
    expect(delay).toBeLessThan(80_000);
    expect(cardText(card!)).toContain('Escalated: unclaimed for 1m');
    expect(cardText(card!)).toContain('<at id=all></at>');

    // Once, and never for the claimed group.
    await sleep(10_000);
    const all = await oncall.messages();
    expect(all.filter((message) => cardText(message).includes(unclaimed))).toHaveLength(1);
    expect(all.filter((message) => cardText(message).includes(claimed))).toEqual([]);
  }, 180_000);
});
