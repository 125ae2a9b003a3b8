import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WORKSPACE_ROOT, requestJson, waitFor } from '@alertlark/testing';
import { startFleet, waitForConfig, type Fleet } from './support/fleet';
import { createBot, createPolicy, postWebhook } from './support/lark-bots';

// The console's web UI in Debian's Chromium (never a downloaded browser), against the real fleet.
const SCREENSHOTS = path.join(WORKSPACE_ROOT, 'test-artifacts', 'screenshots');

describe('console web UI', () => {
  let fleet: Fleet;
  let browser: Browser;
  let page: Page;
  let apiToken: string;
  let ingestToken: string;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    fleet = await startFleet(30000);
    ({ apiToken, ingestToken } = await fleet.createTeam('ui-team'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // Generous: a cold Chromium and a loaded CI machine make the first pages slow.
    page.setDefaultTimeout(30_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('signs in, refusing a wrong token with a clear error', async () => {
    await page.goto(`${fleet.url.console}/`);
    await page.fill('#token', 'alk_api_wrong');
    await page.click('button[type=submit]');
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await shot('sign-in-error');
    await page.fill('#token', apiToken);
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: 'Chatbots' }).waitFor();
    await shot('chatbots-empty');
  });

  it('creates, finds, edits (the preview follows), tests and deletes a chatbot', async () => {
    const botToken = `ui-${randomBytes(6).toString('hex')}`;
    const registered = await requestJson('POST', `${fleet.url.emulator}/_emulator/bots`, { body: { token: botToken, keywords: ['alert'] } });
    expect(registered.status).toBeLessThan(300);
    const name = `ui-oncall-${randomBytes(3).toString('hex')}`;

    await page.click('text=New chatbot');
    await page.fill('#chatbot-form input[name=name]', name);
    await page.fill('#chatbot-form input[name=webhookUrl]', 'https://example.com/not-lark');
    await page.fill('#chatbot-form input[name=keywords]', 'alert');
    // Before saving, the preview is the server's card for the form as it is, live as the form changes.
    await page.fill('#chatbot-form input[name=titleTemplate]', 'alert {{alertname}} on {{labels.cluster}}');
    await page.locator('[data-testid=card-preview] .head', { hasText: 'alert HighCPUUsage on prod' }).waitFor();
    await page.fill('#chatbot-form input[name=titleTemplate]', '');
    await page.click('#chatbot-form button[type=submit]');
    // The API's message for a webhook that is not Lark's.
    await page.locator('#chatbot-form .error').waitFor();
    await shot('chatbot-form-error');
    await page.fill('#chatbot-form input[name=webhookUrl]', `${fleet.url.emulator}/open-apis/bot/v2/hook/${botToken}`);
    await page.click('#chatbot-form button[type=submit]');
    await page.waitForURL(/#\/chatbot\/nobj_/);
    const objectId = decodeURIComponent(page.url().split('#/chatbot/')[1]);
    await page.locator('[data-testid=card-preview]').waitFor();

    await page.goto(`${fleet.url.console}/#/chatbots`);
    await page.fill('#chatbot-search', name);
    const row = page.locator('tbody tr', { hasText: name });
    await row.waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await shot('chatbots-search');

    await row.locator('a').click();
    await page.locator('[data-testid=card-preview]').waitFor();
    await page.fill('#chatbot-form input[name=titleTemplate]', 'alert {{alertname}} edited in the UI');
    await page.click('#chatbot-form button[type=submit]');
    await page.locator('#chatbot-form .ok').waitFor();
    await page.locator('[data-testid=card-preview] .head', { hasText: 'edited in the UI' }).waitFor();
    expect(await page.locator('[data-testid=card-preview] .head').textContent()).toMatch(/^alert .+ edited in the UI$/);

    // Colours, mentions and a daily summary through the same form; a colour Lark lacks is refused.
    await page.fill('#chatbot-form input[name=severityColors]', 'critical=crimson');
    await page.click('#chatbot-form button[type=submit]');
    await page.locator('#chatbot-form .error', { hasText: 'severityColors' }).waitFor();
    await page.fill('#chatbot-form input[name=severityColors]', 'critical=carmine');
    await page.fill('#chatbot-form input[name=mentions]', 'all');
    await page.check('#chatbot-form input[name=summaryEnabled]');
    // Hours away from now (stats' default zone is UTC): a time just passed would be posted at once,
    // marked late (the grace window), and this test counts the chatbot's cards below.
    const summaryTimes = [4, 8].map((hours) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(11, 16));
    await page.fill('#chatbot-form input[name=summaryTimes]', summaryTimes.join(', '));
    await page.click('#chatbot-form button[type=submit]');
    await page.locator('#chatbot-form .ok').waitFor();
    await page.locator('[data-testid=card-preview] .head.carmine').waitFor();
    await page.locator('[data-testid=card-preview] .mention', { hasText: '@all' }).waitFor();
    const saved = await requestJson<{ card: Record<string, unknown>; dailyStats: unknown }>('GET', `${fleet.url.console}/api/v1/notification-objects/${objectId}`, { token: apiToken });
    expect(saved.body.card).toMatchObject({ mentions: ['all'], severityColors: { critical: 'carmine' }, titleTemplate: 'alert {{alertname}} edited in the UI' });
    expect(saved.body.dailyStats).toEqual({ enabled: true, times: summaryTimes });

    await page.click('text=Send test');
    await page.locator('#test-result .ok', { hasText: 'code 0' }).waitFor();
    await shot('chatbot-edit-preview-test');
    const received = await requestJson<{ messages: { accepted: boolean }[] }>('GET', `${fleet.url.emulator}/_emulator/messages?token=${botToken}`);
    expect(received.body.messages.filter((message) => message.accepted)).toHaveLength(1);

    // A policy sending to it, made through the form.
    await page.goto(`${fleet.url.console}/#/policies`);
    await page.fill('#policy-form input[name=name]', 'critical');
    await page.fill('#policy-form textarea[name=matchers]', 'severity="critical"');
    await page.selectOption('#policy-form select[name=objectIds]', { label: name });
    await page.click('#policy-form button[type=submit]');
    await page.locator('tbody tr', { hasText: 'severity="critical"' }).waitFor();
    await page.fill('#policy-form textarea[name=matchers]', 'severity=~"(unclosed"');
    await page.fill('#policy-form input[name=name]', 'broken');
    await page.click('#policy-form button[type=submit]');
    await page.locator('#policy-form .error').waitFor();
    await shot('policies');

    // A real alert through ingest to the chatbot: it shows on the alerts, deliveries and statistics pages.
    const policies = await requestJson<{ items: { id: string; name: string }[] }>('GET', `${fleet.url.console}/api/v1/notification-policies`, { token: apiToken });
    const criticalPolicyId = policies.body.items.find((policy) => policy.name === 'critical')!.id;
    await waitForConfig(fleet, 'policy-router', `policy/${criticalPolicyId}`);
    await waitForConfig(fleet, 'lark-sender', `object/${objectId}`);
    // And one Lark refuses (its bot wants a keyword the card lacks: 19024), shown in red.
    const refusing = await createBot(fleet, apiToken, 'ui-refusing', { botKeywords: ['NOT-ON-THE-CARD'] });
    await createPolicy(fleet, apiToken, { name: 'warnings', matchers: ['severity="warning"'], objectIds: [refusing.objectId] });
    const startsAt = new Date(Date.now() - 120_000);
    await postWebhook(fleet, ingestToken, [
      { labels: { alertname: 'UiDiskFull', severity: 'critical', instance: 'db-1' }, startsAt },
      { labels: { alertname: 'UiSlowDisk', severity: 'warning', instance: 'db-2' }, startsAt },
    ]);
    await page.goto(`${fleet.url.console}/#/deliveries`);
    await waitFor('a delivered and a failed row on the deliveries page', async () => {
      await page.reload();
      await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
      const delivered = await page.locator('tbody tr .badge', { hasText: 'delivered' }).count();
      const failed = await page.locator('tbody tr.failed', { hasText: '19024' }).count();
      return (delivered > 0 && failed > 0) || undefined;
    }, 30_000);
    // (This spec compiles without the DOM library: the browser's window is globalThis there.)
    const colour = await page
      .locator('tbody tr.failed td')
      .first()
      .evaluate((cell: unknown) => (globalThis as unknown as { getComputedStyle(element: unknown): { color: string } }).getComputedStyle(cell).color);
    expect(colour).toBe('rgb(216, 57, 49)');
    await shot('deliveries');
    await page.goto(`${fleet.url.console}/#/alerts`);
    await page.locator('tbody tr a', { hasText: 'UiDiskFull' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.locator('tbody tr .badge').first().waitFor();
    await shot('alert-detail');
    await page.goto(`${fleet.url.console}/#/alerts`);
    await page.locator('tbody tr a', { hasText: 'UiDiskFull' }).waitFor();
    await shot('alerts');

    await page.goto(`${fleet.url.console}/#/stats`);
    await page.locator('svg.chart rect').first().waitFor({ state: 'attached' });
    expect(await page.locator('svg.chart rect').count()).toBe(14 * 3);
    await shot('statistics');

    await page.goto(`${fleet.url.console}/#/chatbots`);
    await page.fill('#chatbot-search', name);
    await waitFor('the search to leave one chatbot', async () => (await page.locator('tbody tr').count()) === 1 || undefined);
    await row.locator('button', { hasText: 'Delete' }).click();
    await page.locator('#confirm[open]').waitFor();
    await shot('chatbot-delete-confirm');
    await page.click('#confirm-ok');
    // The policy "critical" still sends to it: the delete is refused, naming the policy.
    await page.locator('section .error', { hasText: '"critical"' }).waitFor();
    expect((await requestJson('GET', `${fleet.url.console}/api/v1/notification-objects/${objectId}`, { token: apiToken })).status).toBe(200);

    // Edit the policy in the form: another chatbot, another group wait, disabled.
    await page.goto(`${fleet.url.console}/#/policies`);
    await page.locator('tbody tr', { hasText: 'severity="critical"' }).locator('button', { hasText: 'Edit' }).click();
    expect(await page.inputValue('#policy-form input[name=name]')).toBe('critical');
    expect(await page.inputValue('#policy-form textarea[name=matchers]')).toBe('severity="critical"');
    await page.selectOption('#policy-form select[name=objectIds]', { label: 'ui-refusing' });
    await page.fill('#policy-form input[name=groupWait]', '10s');
    await page.uncheck('#policy-form input[name=enabled]');
    await shot('policy-edit');
    await page.click('#policy-form button[type=submit]');
    await page.locator('tbody tr', { hasText: 'severity="critical"' }).locator('.badge', { hasText: 'disabled' }).waitFor();
    const edited = await requestJson<{ objectIds: string[]; groupWait: string; enabled: boolean; matchers: string[] }>(
      'GET',
      `${fleet.url.console}/api/v1/notification-policies/${criticalPolicyId}`,
      { token: apiToken },
    );
    expect(edited.body).toMatchObject({ objectIds: [refusing.objectId], groupWait: '10s', enabled: false, matchers: ['severity="critical"'] });

    // Now nothing sends to the chatbot: it goes.
    await page.goto(`${fleet.url.console}/#/chatbots`);
    await page.fill('#chatbot-search', name);
    await waitFor('the search to leave one chatbot', async () => (await page.locator('tbody tr').count()) === 1 || undefined);
    await row.locator('button', { hasText: 'Delete' }).click();
    await page.click('#confirm-ok');
    await row.waitFor({ state: 'detached' });
    expect((await requestJson('GET', `${fleet.url.console}/api/v1/notification-objects/${objectId}`, { token: apiToken })).status).toBe(404);
    await shot('chatbot-deleted');
  });

  it('creates a Lark app bot: the app fields instead of the webhook, its secrets masked, and the callback URL to set in Lark', async () => {
    const name = `ui-app-${randomBytes(3).toString('hex')}`;
    await page.goto(`${fleet.url.console}/#/chatbot/new`);
    await page.selectOption('#chatbot-form select[name=kind]', 'app');
    expect(await page.isVisible('#chatbot-form input[name=webhookUrl]')).toBe(false);
    await page.fill('#chatbot-form input[name=name]', name);
    await page.fill('#chatbot-form input[name=appId]', 'cli_uiapp1');
    await page.fill('#chatbot-form input[name=appSecret]', 'app-secret-ui');
    await page.fill('#chatbot-form input[name=encryptKey]', 'encrypt-key-ui');
    await page.fill('#chatbot-form input[name=verificationToken]', 'verify-ui');
    await page.fill('#chatbot-form input[name=chatId]', 'oc_uichat');
    await page.fill('#chatbot-form input[name=host]', fleet.url.emulator);
    await page.click('#chatbot-form button[type=submit]');
    await page.getByRole('heading', { name: `Chatbot ${name}` }).waitFor();
    const objectId = decodeURIComponent(new URL(page.url()).hash.replace('#/chatbot/', ''));
    expect(await page.textContent('#callback-url')).toBe(`${fleet.url.console}/api/v1/lark/callback/${objectId}`);
    expect(await page.isVisible('#chatbot-form input[name=appId]')).toBe(true);
    expect(await page.getAttribute('#chatbot-form input[name=appId]', 'placeholder')).toContain('cli_****app1');
    await shot('chatbot-app-bot');
    const saved = await requestJson<{ kind: string; app: { chatId: string; appSecret: string } }>('GET', `${fleet.url.console}/api/v1/notification-objects/${objectId}`, { token: apiToken });
    expect(saved.body).toMatchObject({ kind: 'app', app: { chatId: 'oc_uichat', appSecret: '****' } });
    await page.goto(`${fleet.url.console}/#/chatbots`);
    await page.locator(`tr:has-text("${name}")`).filter({ hasText: 'app cli_****app1 → oc_uichat' }).waitFor();
  });

  it('creates and expires a silence', async () => {
    await page.goto(`${fleet.url.console}/#/silences`);
    await page.fill('#silence-form textarea[name=matchers]', 'alertname="HighCPU"');
    await page.fill('#silence-form input[name=comment]', 'maintenance');
    await page.fill('#silence-form input[name=createdBy]', 'ui-test');
    await page.click('#silence-form button[type=submit]');
    const row = page.locator('tbody tr', { hasText: 'maintenance' });
    await row.locator('.badge', { hasText: 'active' }).waitFor();
    await shot('silences');
    await row.locator('button', { hasText: 'Expire' }).click();
    await page.click('#confirm-ok');
    await row.locator('.badge', { hasText: 'expired' }).waitFor();
    await page.fill('#silence-form textarea[name=matchers]', '');
    await page.click('#silence-form button[type=submit]');
    await page.locator('#silence-form .error').waitFor();
  });

  it('creates and deletes an inhibition rule, showing the API message for a bad matcher', async () => {
    await page.goto(`${fleet.url.console}/#/inhibition`);
    await page.fill('#inhibition-form input[name=name]', 'critical mutes warning');
    await page.fill('#inhibition-form textarea[name=sourceMatchers]', 'severity="critical"');
    await page.fill('#inhibition-form textarea[name=targetMatchers]', 'severity=~"(broken"');
    await page.click('#inhibition-form button[type=submit]');
    await page.locator('#inhibition-form .error', { hasText: 'targetMatchers' }).waitFor();
    await page.fill('#inhibition-form textarea[name=targetMatchers]', 'severity="warning"');
    await page.fill('#inhibition-form input[name=equal]', 'alertname, cluster');
    await page.click('#inhibition-form button[type=submit]');
    const row = page.locator('tbody tr', { hasText: 'critical mutes warning' });
    await row.waitFor();
    const rules = await requestJson<{ items: { name: string; sourceMatchers: string[]; targetMatchers: string[]; equal: string[] }[] }>('GET', `${fleet.url.console}/api/v1/inhibition-rules`, { token: apiToken });
    expect(rules.body.items).toEqual([expect.objectContaining({ name: 'critical mutes warning', sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname', 'cluster'] })]);
    await shot('inhibition');
    await row.locator('button', { hasText: 'Delete' }).click();
    await page.click('#confirm-ok');
    await row.waitFor({ state: 'detached' });
    expect((await requestJson<{ items: unknown[] }>('GET', `${fleet.url.console}/api/v1/inhibition-rules`, { token: apiToken })).body.items).toEqual([]);
  });

  it('previews a chatbot not saved yet with the card the server renders, and its refusal of a bad config', async () => {
    await page.goto(`${fleet.url.console}/#/chatbot/new`);
    await page.locator('[data-testid=card-preview]').waitFor();
    // The browser renders no card of its own: what it shows is the answer of the preview route.
    const answered = page.waitForResponse(
      (response) => response.url().endsWith('/api/v1/notification-objects/preview') && response.request().method() === 'POST' && (response.request().postData() ?? '').includes('rendered by the server'),
    );
    await page.fill('#chatbot-form input[name=name]', 'draft-bot');
    await page.fill('#chatbot-form input[name=titleTemplate]', '{{alertname}} rendered by the server on {{labels.cluster}}');
    await page.fill('#chatbot-form input[name=severityColors]', 'critical=violet');
    const response = await answered;
    expect(response.status()).toBe(200);
    const title = ((await response.json()) as { card: { card: { header: { title: { content: string } } } } }).card.card.header.title.content;
    expect(title).toBe('HighCPUUsage rendered by the server on prod');
    await page.locator('[data-testid=card-preview] .head.violet', { hasText: title }).waitFor();
    expect(await page.locator('[data-testid=card-preview] .head').textContent()).toBe(title);
    // The UI's scripts carry no sample alert to render one from.
    const script = await requestJson<string>('GET', `${fleet.url.console}/ui/chatbots.js`);
    expect(script.body).not.toContain('HighCPUUsage');
    await shot('chatbot-new-preview');
    // A config saving would refuse: the preview says so, naming the field, before anything is saved.
    await page.fill('#chatbot-form input[name=titleTemplate]', '{{alertnam}} typo');
    await page.locator('#preview .error', { hasText: 'card.titleTemplate' }).waitFor();
    const chatbots = await requestJson<{ items: { name: string }[] }>('GET', `${fleet.url.console}/api/v1/notification-objects?q=draft-bot`, { token: apiToken });
    expect(chatbots.body.items).toEqual([]);
  });

  it('lists an alert group, claims it from its page under a remembered name, and shows who has it', async () => {
    const run = randomBytes(3).toString('hex');
    const alertname = `UiGroup_${run}`;
    const bot = await createBot(fleet, apiToken, `ui-groups-${run}`);
    await createPolicy(fleet, apiToken, { name: `groups-${run}`, matchers: [`alertname="${alertname}"`], objectIds: [bot.objectId], groupWait: '1s', groupInterval: '2s', repeatInterval: '4h' });
    await postWebhook(fleet, ingestToken, [{ labels: { alertname, instance: 'web-1', severity: 'info' } }]);

    await page.goto(`${fleet.url.console}/#/alert-groups`);
    const row = page.locator('tbody tr', { hasText: alertname });
    await waitFor('the group on the alert groups page (open)', async () => {
      await page.reload();
      await page.getByRole('heading', { name: 'Alert groups' }).waitFor();
      return (await row.count()) > 0 || undefined;
    }, 30_000);
    await row.locator('.badge', { hasText: 'open' }).waitFor();
    expect(await page.locator('nav a.active').textContent()).toBe('Alert groups');
    await shot('alert-groups');

    // The link on a card (/alert-groups/<id>) lands on the group's page.
    const groupId = (await row.getAttribute('data-id'))!;
    await page.goto(`${fleet.url.console}/alert-groups/${encodeURIComponent(groupId)}`);
    await page.waitForURL(`${fleet.url.console}/#/alert-groups/${encodeURIComponent(groupId)}`);
    await page.getByRole('heading', { name: alertname }).waitFor();
    await page.locator('[data-testid=group-firing]', { hasText: '1' }).waitFor();

    // No name, no action; then a claim under a name, remembered for the next time.
    await page.fill('#actor', '');
    await page.click('#group-act button:text-is("Claim")');
    await page.locator('#action-result .error', { hasText: 'Type your name' }).waitFor();
    await page.fill('#actor', 'Alice');
    await page.click('#group-act button:text-is("Claim")');
    await page.locator('#action-result .ok', { hasText: 'Claim: done' }).waitFor();
    await page.locator('h1 [data-testid=group-state]', { hasText: 'claimed' }).waitFor();
    await page.locator('[data-testid=group-handler]', { hasText: 'Alice (unverified)' }).waitFor();
    await page.locator('#group-actions tbody tr', { hasText: 'console' }).locator('.badge', { hasText: 'applied' }).waitFor();
    await shot('alert-group-claimed');
    const detail = await requestJson<{ state: string; handler: { name: string; verified: boolean } }>('GET', `${fleet.url.console}/api/v1/alert-groups/${groupId}`, { token: apiToken });
    expect(detail.body).toMatchObject({ state: 'claimed', handler: { name: 'Alice', verified: false } });

    // Someone else is told who has it: the router's refusal and its reason.
    await page.reload();
    expect(await page.inputValue('#actor')).toBe('Alice');
    await page.fill('#actor', 'Bob');
    await page.click('#group-act button:text-is("Claim")');
    await page.locator('#action-result .error', { hasText: 'already claimed by Alice' }).waitFor();
    await page.locator('#group-actions tbody tr', { hasText: 'Bob' }).locator('.badge', { hasText: 'refused' }).waitFor();

    // The list, filtered by state, shows the claimed group with its handler.
    await page.goto(`${fleet.url.console}/#/alert-groups`);
    await page.selectOption('#group-state-filter', 'claimed');
    await row.locator('.badge', { hasText: 'claimed' }).waitFor();
    expect(await row.textContent()).toContain('Alice (unverified)');
    await shot('alert-groups-claimed');
  });

  it('left no script errors on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
