import { randomBytes } from 'node:crypto';
import { requestJson, waitFor } from '@alertlark/testing';
import { waitForConfig, type Fleet } from './fleet';

export interface EmulatorMessage {
  token: string;
  accepted: boolean;
  code: number | null;
  receivedAt: string;
  body: { msg_type: string; card: unknown; timestamp?: string; sign?: string } | null;
}

export const cardText = (message: EmulatorMessage) => JSON.stringify(message.body?.card ?? {});

export interface TestBot {
  objectId: string;
  /** The webhook token the emulator knows the bot by. */
  token: string;
  /** The cards Lark accepted (a request refused by its rate limit is retried, and is not a card). */
  messages(): Promise<EmulatorMessage[]>;
  /** Waits for at least `count` accepted cards, then returns them all. */
  cards(count: number, timeoutMs?: number): Promise<EmulatorMessage[]>;
}

/** A chatbot registered with the fleet's Lark emulator and as a notification object of the team. */
export async function createBot(fleet: Fleet, apiToken: string, name: string, options: { botKeywords?: string[] } = {}): Promise<TestBot> {
  const token = `bot-${randomBytes(6).toString('hex')}`;
  await requestJson('POST', `${fleet.url.emulator}/_emulator/bots`, { body: { token, keywords: options.botKeywords ?? ['alert'] } });
  const object = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-objects`, {
    token: apiToken,
    body: { name, webhookUrl: `${fleet.url.emulator}/open-apis/bot/v2/hook/${token}`, keywords: ['alert'] },
  });
  if (object.status !== 201) throw new Error(`creating ${name} answered ${object.status}: ${JSON.stringify(object.body)}`);
  await waitForConfig(fleet, 'lark-sender', `object/${object.body.id}`);
  const messages = async () =>
    (await requestJson<{ messages: EmulatorMessage[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${token}`)).body.messages.filter((message) => message.accepted);
  return {
    objectId: object.body.id,
    token,
    messages,
    cards: (count, timeoutMs = 30_000) =>
      waitFor(`${count} card(s) for ${name}`, async () => {
        const current = await messages();
        return current.length >= count ? current : undefined;
      }, timeoutMs),
  };
}

/** Creates a policy and waits until the routers (their internal ports; by default the fleet's one) apply it. */
export async function createPolicy(fleet: Fleet, apiToken: string, body: Record<string, unknown>, routerInternalUrls = [fleet.internalUrl['policy-router']]): Promise<string> {
  const policy = await requestJson<{ id: string }>('POST', `${fleet.url.console}/api/v1/notification-policies`, { token: apiToken, body });
  if (policy.status !== 201) throw new Error(`policy answered ${policy.status}: ${JSON.stringify(policy.body)}`);
  const key = `policy/${policy.body.id}`;
  await Promise.all(
    routerInternalUrls.map((url) =>
      waitFor(`${url} to see ${key}`, async () => (await requestJson<{ present: boolean }>('GET', `${url}/internal/config?key=${encodeURIComponent(key)}`)).body.present || undefined),
    ),
  );
  return policy.body.id;
}

export interface WebhookAlert {
  labels: Record<string, string>;
  status?: 'firing' | 'resolved';
  /** Defaults to now; an alert that started more than group wait ago is flushed at once. */
  startsAt?: Date;
}

/** An alert as an Alertmanager webhook carries it, annotations included. */
export interface FullAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status?: 'firing' | 'resolved';
  /** ISO; defaults to now. */
  startsAt?: string;
  generatorURL?: string;
}

/** Posts one Alertmanager webhook (v4) of `alerts` to ingest; throws unless it answers 202. */
export async function postAlerts(fleet: Fleet, ingestToken: string, alerts: readonly FullAlert[]): Promise<void> {
  const now = new Date().toISOString();
  const answer = await requestJson('POST', `${fleet.url.ingest}/api/v1/alerts/alertmanager`, {
    token: ingestToken,
    body: {
      version: '4',
      status: alerts.some((alert) => (alert.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
      receiver: 'alertlark',
      groupLabels: {},
      alerts: alerts.map(({ labels, annotations, status = 'firing', startsAt = now, generatorURL = 'http://prometheus.local:9090/graph' }) => ({
        status,
        labels,
        annotations,
        startsAt,
        endsAt: status === 'resolved' ? now : '0001-01-01T00:00:00Z',
        generatorURL,
      })),
    },
  });
  if (answer.status !== 202) throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
}

/** Posts an Alertmanager webhook (v4) with these alerts to ingest, each annotated with a summary. */
export async function postWebhook(fleet: Fleet, ingestToken: string, alerts: WebhookAlert[]): Promise<void> {
  await postAlerts(
    fleet,
    ingestToken,
    alerts.map(({ labels, status, startsAt }) => ({
      labels,
      annotations: { summary: `summary of ${labels.instance ?? labels.alertname}` },
      ...(status ? { status } : {}),
      ...(startsAt ? { startsAt: startsAt.toISOString() } : {}),
    })),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
