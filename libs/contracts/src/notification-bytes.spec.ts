import { alertsWithinBytes, type NotifiedAlert } from './notification.event';

const alert = (i: number, annotation: string): NotifiedAlert => ({
  fingerprint: i.toString(16).padStart(16, '0'),
  status: 'firing',
  labels: [{ name: 'alertname', value: 'Disk' }, { name: 'instance', value: `web-${i}` }],
  annotations: [{ name: 'description', value: annotation }],
  startsAt: '2026-12-06T10:00:00.000Z',
});

const jsonBytes = (alerts: readonly NotifiedAlert[]) => Buffer.byteLength(JSON.stringify(alerts));

describe('alertsWithinBytes', () => {
  it('keeps every alert when they fit, without reordering', () => {
    const alerts = Array.from({ length: 200 }, (_, i) => alert(i, 'Disk almost full'));
    expect(alertsWithinBytes(alerts, 1024 * 1024)).toEqual(alerts);
  });

  it('keeps the longest prefix that fits when they do not', () => {
    const alerts = Array.from({ length: 20 }, (_, i) => alert(i, 'y'.repeat(10_000)));
    const kept = alertsWithinBytes(alerts, 50_000);
    expect(kept).toEqual(alerts.slice(0, kept.length));
    expect(jsonBytes(kept)).toBeLessThanOrEqual(50_000);
    expect(jsonBytes(alerts.slice(0, kept.length + 1))).toBeGreaterThan(50_000);
  });

  it('never lets through more bytes than allowed, whatever the characters (escapes, multibyte, emoji)', () => {
    const alphabet = ['a', '"', '\\', '\n', '\u0001', 'é', '告', '🔥', '\u2028'];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 200; run++) {
      const alerts = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, i) =>
        alert(i, Array.from({ length: Math.floor(random() * 3_000) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')),
      );
      const max = 1_000 + Math.floor(random() * 100_000);
      const kept = alertsWithinBytes(alerts, max);
      expect(jsonBytes(kept)).toBeLessThanOrEqual(max);
      expect(kept).toEqual(alerts.slice(0, kept.length));
      if (kept.length < alerts.length) expect(jsonBytes(alerts.slice(0, kept.length + 1))).toBeGreaterThan(max);
    }
  });
});
