import type { NotificationEvent } from '@alertlark/contracts';
import { derivedActionTokenKeys, parseActionTokenKeys, verifyActionToken } from '@alertlark/secrets';
import { cardLinkSettings, groupPageUrl, notificationCardLinks } from './card-links';

const SECRET = 'ab'.repeat(32);
const NOW = Date.parse('2026-11-24T10:00:00Z');
const env = { ALERTLARK_CONSOLE_URL: 'https://console.example.com/', ALERTLARK_SECRET_KEY: SECRET, ALERTLARK_ACTION_LINK_KEYS: undefined, ALERTLARK_ACTION_LINK_TTL: 3_600_000 };
const notification = {
  notificationId: 'n1',
  teamId: 't1',
  groupKey: 'p1:{alertname="HighCPU"}',
  groupId: 'grp_0123456789abcdef01234567',
  incident: { id: 'inc_1', openedAt: 0, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null },
} as unknown as NotificationEvent;

describe('card links', () => {
  it('without ALERTLARK_ACTION_LINK_KEYS, links are signed with the key derived from ALERTLARK_SECRET_KEY (the console derives the same)', () => {
    const settings = cardLinkSettings(env);
    expect(settings.consoleUrl).toBe('https://console.example.com');
    expect(settings.actionKeys.current).toEqual(derivedActionTokenKeys(Buffer.from(SECRET, 'hex')).current);
    const own = parseActionTokenKeys(`k9:${'cd'.repeat(32)}`);
    expect(cardLinkSettings({ ...env, ALERTLARK_ACTION_LINK_KEYS: own }).actionKeys).toBe(own);
  });

  it('an alert card: the group\'s page, and links signed for its team, group, incident and action, valid the TTL', () => {
    const settings = cardLinkSettings(env);
    const links = notificationCardLinks(notification, settings, NOW);
    expect(links.consoleUrl).toBe('https://console.example.com/alert-groups/grp_0123456789abcdef01234567');
    const url = links.actionUrl!('silence', 4 * 3_600_000);
    const token = /^https:\/\/console\.example\.com\/act\/(v1\.k0\.[^/]+)$/.exec(url)![1]!;
    const check = verifyActionToken(settings.actionKeys, token, NOW);
    expect(check).toMatchObject({ ok: true, claims: { teamId: 't1', groupId: 'grp_0123456789abcdef01234567', incidentId: 'inc_1', action: 'silence', durationMs: 14_400_000 }, expiresAt: NOW + 3_600_000 });
    expect(verifyActionToken(settings.actionKeys, token, NOW + 3_600_000)).toMatchObject({ ok: false, reason: 'expired' });
    // Each link is a token of its own (the console uses each once).
    expect(links.actionUrl!('claim')).not.toBe(links.actionUrl!('claim'));
    expect(groupPageUrl(settings, 'grp_x')).toBe('https://console.example.com/alert-groups/grp_x');
  });

  it('a notification without a group id (sent before issue 13) links the alerts view as before, and has no action links', () => {
    const links = notificationCardLinks({ ...notification, groupId: undefined }, cardLinkSettings(env), NOW);
    expect(links).toEqual({ consoleUrl: 'https://console.example.com/alerts?group=p1%3A%7Balertname%3D%22HighCPU%22%7D' });
    expect(notificationCardLinks({ ...notification, incident: undefined }, cardLinkSettings(env), NOW).actionUrl).toBeUndefined();
  });

  it('a link that cannot be signed is empty (the card leaves its button out) rather than failing the card', () => {
    const links = notificationCardLinks({ ...notification, teamId: 't'.repeat(500) }, cardLinkSettings(env), NOW);
    expect(links.actionUrl!('claim')).toBe('');
  });
});
