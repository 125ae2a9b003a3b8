import type { AlertEvent } from '@alertlark/contracts';
import type { EventPublisher } from '@alertlark/kafka';
import type { AlertState, AlertStateRepository } from '@alertlark/persistence';
import type { RoutingCatalog } from './routing-catalog';
import { TrackAlertUseCase } from './track-alert.usecase';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const MINUTE = 60_000;

function setup(stored: AlertState | null) {
  const saved: AlertState[] = [];
  const states = { get: async () => stored, save: async (state: AlertState) => void saved.push(state), recordHistory: async () => undefined } as unknown as AlertStateRepository;
  const catalog = { policiesOf: () => [] } as unknown as RoutingCatalog;
  const publisher = { publish: async () => undefined } as unknown as EventPublisher;
  return { saved, useCase: new TrackAlertUseCase(catalog, states, publisher, { ALERTLARK_RESOLVE_TIMEOUT: 5 * MINUTE }) };
}

const resend = (at: number, endsAt: number, overrides: Partial<AlertEvent> = {}): AlertEvent => ({
  eventId: `e${at}`,
  teamId: 't',
  fingerprint: '0123456789abcdef',
  status: 'firing',
  labels: [{ name: 'alertname', value: 'A' }],
  annotations: [{ name: 'summary', value: 'x' }],
  startsAt: new Date(T0).toISOString(),
  endsAt: new Date(endsAt).toISOString(),
  source: 'prometheus',
  receivedAt: new Date(at).toISOString(),
  ...overrides,
});

const storedAt = (endsAt: number | null, overrides: Partial<AlertState> = {}): AlertState => ({
  _id: 't/0123456789abcdef',
  teamId: 't',
  fingerprint: '0123456789abcdef',
  status: 'firing',
  labels: [{ name: 'alertname', value: 'A' }],
  annotations: [{ name: 'summary', value: 'x' }],
  startsAt: new Date(T0),
  endsAt: endsAt === null ? null : new Date(endsAt),
  source: 'prometheus',
  lastEventId: 'e0',
  lastReceivedAt: new Date(T0),
  groupKeys: [],
  ...overrides,
});

describe('TrackAlertUseCase: what a re-send of an unchanged alert writes', () => {
  it.each<[string, AlertState | null, AlertEvent, boolean]>([
    ['a new alert is saved', null, resend(T0, T0 + 4 * MINUTE), true],
    ["Prometheus' re-send a minute later, stored end still well ahead: not saved", storedAt(T0 + 4 * MINUTE), resend(T0 + MINUTE, T0 + 5 * MINUTE), false],
    ['…two minutes later, half the stored window used: saved', storedAt(T0 + 4 * MINUTE), resend(T0 + 2 * MINUTE + 1, T0 + 6 * MINUTE + 1), true],
    ["Alertmanager's identical re-send (no end): not saved", storedAt(null, { source: 'alertmanager' }), resend(T0 + MINUTE, 0, { endsAt: undefined, source: 'alertmanager' }), false],
    ['changed annotations: saved', storedAt(T0 + 4 * MINUTE), resend(T0 + MINUTE, T0 + 5 * MINUTE, { annotations: [{ name: 'summary', value: 'y' }] }), true],
    ['a resolve: saved', storedAt(T0 + 4 * MINUTE), resend(T0 + MINUTE, T0 + MINUTE, { status: 'resolved' }), true],
    ['a firing again after the stored end passed: saved', storedAt(T0 + 4 * MINUTE), resend(T0 + 5 * MINUTE, T0 + 9 * MINUTE), true],
  ])('%s', async (_case, stored, event, expected) => {
    const { saved, useCase } = setup(stored);
    await useCase.execute(event, Date.parse(event.receivedAt));
    expect(saved.length > 0).toBe(expected);
  });
});
