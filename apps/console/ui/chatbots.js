// Chatbots (notification objects): list with search and paging, the form with a live card preview.
import { api, query } from './api.js';
import { renderCard } from './card.js';
import { confirmDialog, errorBox, h, lines, time } from './dom.js';

const PAGE_SIZE = 20;

export async function chatbotsPage() {
  const state = { q: '', offset: 0 };
  const message = h('div');
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const search = h('input', { type: 'search', id: 'chatbot-search', placeholder: 'Search by name or webhook host', class: 'grow' });

  async function load() {
    try {
      const page = await api('GET', `/notification-objects${query({ q: state.q, limit: PAGE_SIZE + 1, offset: state.offset })}`);
      const items = page.items.slice(0, PAGE_SIZE);
      body.replaceChildren(
        ...(items.length
          ? items.map((bot) =>
              h(
                'tr',
                { 'data-id': bot.id },
                h('td', {}, h('a', { href: `#/chatbot/${encodeURIComponent(bot.id)}` }, bot.name)),
                h('td', { class: 'mono' }, bot.app ? `app ${bot.app.appId} → ${bot.app.chatId}` : bot.webhookUrl),
                h('td', {}, bot.keywords.join(', ') || '—'),
                h('td', {}, bot.secret ? 'signed' : '—'),
                h('td', {}, time(bot.updatedAt)),
                h('td', {}, h('button', { class: 'danger', onclick: () => remove(bot) }, 'Delete')),
              ),
            )
          : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, state.q ? 'No chatbot matches.' : 'No chatbots yet.'))]),
      );
      pager.replaceChildren(
        h('button', { class: 'secondary', disabled: state.offset === 0, onclick: () => ((state.offset = Math.max(0, state.offset - PAGE_SIZE)), load()) }, 'Previous'),
        h('span', { class: 'muted' }, `${state.offset + 1}–${state.offset + items.length}`),
        h('button', { class: 'secondary', disabled: page.items.length <= PAGE_SIZE, onclick: () => ((state.offset += PAGE_SIZE), load()) }, 'Next'),
      );
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }

  async function remove(bot) {
    message.replaceChildren();
    if (!(await confirmDialog(`Delete chatbot "${bot.name}"? This cannot be undone.`))) return;
    try {
      await api('DELETE', `/notification-objects/${encodeURIComponent(bot.id)}`);
      message.replaceChildren(h('div', { class: 'ok' }, `Deleted ${bot.name}.`));
      await load();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }

  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.q = search.value.trim();
      state.offset = 0;
      load();
    }, 250);
  });
  await load();
  return h(
    'section',
    {},
    h('h1', {}, 'Chatbots'),
    h('div', { class: 'toolbar' }, search, h('a', { href: '#/chatbot/new' }, h('button', { type: 'button' }, 'New chatbot'))),
    message,
    h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'Webhook', 'Keywords', 'Secret', 'Updated', ''].map((title) => h('th', {}, title)))), body),
    pager,
  );
}

const field = (label, input, hint) => h('label', {}, h('span', {}, label), input, hint ? h('small', { class: 'muted' }, hint) : null);

export async function chatbotFormPage(id = 'new') {
  const isNew = id === 'new';
  const bot = isNew ? null : await api('GET', `/notification-objects/${encodeURIComponent(id)}`);
  const card = (bot && bot.card) || {};
  const app = bot && bot.app;
  // A saved secret is never shown: left empty, it keeps its value.
  const keep = (what) => (isNew ? what : `${what} (leave empty to keep)`);
  const inputs = {
    name: h('input', { name: 'name', required: true, value: bot ? bot.name : '' }),
    kind: h('select', { name: 'kind', disabled: !isNew }, h('option', { value: 'webhook' }, 'Custom bot (webhook)'), h('option', { value: 'app' }, 'Lark app bot (callback buttons)')),
    webhookUrl: h('input', { name: 'webhookUrl', placeholder: isNew ? 'https://open.feishu.cn/open-apis/bot/v2/hook/…' : `${bot.webhookUrl} (leave empty to keep)` }),
    appId: h('input', { name: 'appId', placeholder: app ? keep(app.appId) : 'cli_…' }),
    appSecret: h('input', { name: 'appSecret', type: 'password', autocomplete: 'off', placeholder: keep('App secret') }),
    encryptKey: h('input', { name: 'encryptKey', type: 'password', autocomplete: 'off', placeholder: keep('Encrypt key') }),
    verificationToken: h('input', { name: 'verificationToken', type: 'password', autocomplete: 'off', placeholder: keep('Verification token') }),
    chatId: h('input', { name: 'chatId', value: app ? app.chatId : '', placeholder: 'oc_…' }),
    host: h('input', { name: 'host', value: app ? app.host : 'open.feishu.cn', placeholder: 'open.feishu.cn or open.larksuite.com' }),
    secret: h('input', { name: 'secret', type: 'password', autocomplete: 'off', placeholder: bot && bot.secret ? '•••• (leave empty to keep)' : 'optional' }),
    removeSecret: h('input', { type: 'checkbox', name: 'removeSecret' }),
    keywords: h('input', { name: 'keywords', value: bot ? bot.keywords.join(', ') : '' }),
    language: h('select', { name: 'language' }, h('option', { value: 'en' }, 'English'), h('option', { value: 'zh' }, '中文')),
    labels: h('input', { name: 'labels', value: (card.labels ?? []).join(', ') }),
    annotations: h('input', { name: 'annotations', value: (card.annotations ?? []).join(', ') }),
    titleTemplate: h('input', { name: 'titleTemplate', value: card.titleTemplate ?? '', placeholder: '[{{status}}] {{alertname}} on {{labels.cluster}}' }),
    mentions: h('input', { name: 'mentions', value: (card.mentions ?? []).join(', '), placeholder: 'all, ou_…' }),
    severityColors: h('input', {
      name: 'severityColors',
      value: Object.entries(card.severityColors ?? {})
        .map(([severity, colour]) => `${severity}=${colour}`)
        .join(', '),
      placeholder: 'critical=carmine, warning=yellow',
    }),
    template: h('textarea', { name: 'template', rows: 6, class: 'mono', placeholder: '{"header": {…}, "elements": […]} with {{placeholders}}' }),
    summaryEnabled: h('input', { type: 'checkbox', name: 'summaryEnabled', checked: Boolean(bot && bot.dailyStats && bot.dailyStats.enabled) }),
    summaryTimes: h('input', { name: 'summaryTimes', value: ((bot && bot.dailyStats && bot.dailyStats.times) || []).join(', '), placeholder: '09:00, 18:00' }),
    summaryTimezone: h('input', { name: 'summaryTimezone', value: (bot && bot.dailyStats && bot.dailyStats.timezone) || '', placeholder: 'the installation default, e.g. Asia/Shanghai' }),
  };
  inputs.template.value = card.template === undefined ? '' : typeof card.template === 'string' ? card.template : JSON.stringify(card.template, null, 2);
  inputs.language.value = card.language ?? 'en';
  inputs.kind.value = app ? 'app' : 'webhook';
  const webhookFields = h('div', {}, field('Webhook URL', inputs.webhookUrl), field('Signing secret', inputs.secret), bot && bot.secret ? h('label', { class: 'check' }, inputs.removeSecret, 'Remove the signing secret') : null);
  const appFields = h(
    'div',
    {},
    field('App ID', inputs.appId),
    field('App secret', inputs.appSecret),
    field('Encrypt key', inputs.encryptKey, 'The app’s event encryption key: callbacks are checked and decrypted with it.'),
    field('Verification token', inputs.verificationToken),
    field('Chat ID', inputs.chatId, 'The group chat the app posts to (oc_…); add the app to it.'),
    field('Host', inputs.host),
    app ? h('p', { class: 'muted' }, 'Card callback URL to set in the app: ', h('span', { class: 'mono', id: 'callback-url' }, app.callbackUrl)) : null,
  );
  const showKind = () => {
    webhookFields.hidden = inputs.kind.value === 'app';
    appFields.hidden = inputs.kind.value !== 'app';
  };
  inputs.kind.addEventListener('change', showKind);
  showKind();
  const message = h('div');
  const preview = h('div', { id: 'preview' }, h('p', { class: 'muted' }, 'Loading preview…'));
  const testResult = h('div', { id: 'test-result' });

  function cardConfig() {
    const config = { language: inputs.language.value };
    if (lines(inputs.labels.value).length) config.labels = lines(inputs.labels.value);
    if (lines(inputs.annotations.value).length) config.annotations = lines(inputs.annotations.value);
    if (inputs.titleTemplate.value.trim()) config.titleTemplate = inputs.titleTemplate.value.trim();
    if (lines(inputs.mentions.value).length) config.mentions = lines(inputs.mentions.value);
    // "severity=colour" pairs; the API names a colour Lark does not have.
    const colours = lines(inputs.severityColors.value).map((pair) => pair.split('=').map((part) => part.trim()));
    if (colours.length) config.severityColors = Object.fromEntries(colours.map(([severity, colour]) => [severity, colour ?? '']));
    if (inputs.template.value.trim()) config.template = inputs.template.value.trim();
    return config;
  }

  /** Sent when the summary is on, or to turn off one that was on; absent otherwise. */
  function dailyStats() {
    if (!inputs.summaryEnabled.checked && !(bot && bot.dailyStats)) return undefined;
    const config = { enabled: inputs.summaryEnabled.checked, times: lines(inputs.summaryTimes.value) };
    if (inputs.summaryTimezone.value.trim()) config.timezone = inputs.summaryTimezone.value.trim();
    return config;
  }

  // Every card shown here is the server's (lark-sender's renderer): a saved chatbot's exact card,
  // or, while the form has changes, the card of the form as it is, asked for as the user pauses.
  // Only the answer to the latest request is shown.
  let previewRequest = 0;
  let previewTimer;
  async function showPreview(request, note) {
    const ticket = ++previewRequest;
    try {
      const answer = await request();
      if (ticket !== previewRequest) return;
      preview.replaceChildren(renderCard(answer.card), h('p', { class: 'muted' }, `${answer.bytes} bytes · ${answer.shownAlerts} alert(s) shown, ${answer.omittedAlerts} omitted · sample alerts · ${note}`));
    } catch (error) {
      if (ticket === previewRequest) preview.replaceChildren(errorBox(error));
    }
  }
  const refreshPreview = (objectId) => showPreview(() => api('POST', `/notification-objects/${encodeURIComponent(objectId)}/preview`, {}), 'as saved');
  function formPreviewBody() {
    const body = { keywords: lines(inputs.keywords.value), card: cardConfig() };
    if (inputs.name.value.trim()) body.name = inputs.name.value.trim();
    return body;
  }
  const refreshFormPreview = () => showPreview(() => api('POST', '/notification-objects/preview', formPreviewBody()), isNew ? 'not saved yet' : 'with your unsaved changes');

  async function save(event) {
    event.preventDefault();
    message.replaceChildren();
    const body = { name: inputs.name.value.trim(), keywords: lines(inputs.keywords.value), card: cardConfig() };
    const summary = dailyStats();
    if (summary) body.dailyStats = summary;
    if (inputs.kind.value === 'app') {
      const settings = { appId: inputs.appId.value.trim(), appSecret: inputs.appSecret.value, encryptKey: inputs.encryptKey.value, verificationToken: inputs.verificationToken.value, chatId: inputs.chatId.value.trim(), host: inputs.host.value.trim() };
      body.app = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== ''));
    } else {
      if (inputs.webhookUrl.value.trim()) body.webhookUrl = inputs.webhookUrl.value.trim();
      if (inputs.secret.value) body.secret = inputs.secret.value;
      else if (inputs.removeSecret.checked) body.secret = null;
    }
    try {
      const saved = isNew ? await api('POST', '/notification-objects', body) : await api('PUT', `/notification-objects/${encodeURIComponent(id)}`, body);
      if (isNew) {
        location.hash = `#/chatbot/${encodeURIComponent(saved.id)}`;
        return;
      }
      message.replaceChildren(h('div', { class: 'ok' }, 'Saved.'));
      for (const input of [inputs.webhookUrl, inputs.secret, inputs.appId, inputs.appSecret, inputs.encryptKey, inputs.verificationToken]) input.value = '';
      clearTimeout(previewTimer);
      await refreshPreview(id);
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }

  async function sendTest() {
    testResult.replaceChildren(h('p', { class: 'muted' }, 'Sending…'));
    try {
      const answer = await api('POST', `/notification-objects/${encodeURIComponent(id)}/test`, {});
      const text = `Lark answered code ${answer.code ?? '—'}, msg ${JSON.stringify(answer.msg ?? null)} (HTTP ${answer.httpStatus ?? '—'})${answer.reason ? ` · ${answer.reason}` : ''}`;
      testResult.replaceChildren(h('div', { class: answer.ok ? 'ok' : 'error' }, text));
    } catch (error) {
      testResult.replaceChildren(errorBox(error));
    }
  }

  // The preview follows the form, rendered by the server a moment after the last keystroke.
  const onCardInput = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshFormPreview, 300);
  };
  for (const input of [inputs.name, inputs.keywords, inputs.language, inputs.labels, inputs.annotations, inputs.titleTemplate, inputs.mentions, inputs.severityColors, inputs.template]) input.addEventListener('input', onCardInput);
  if (isNew) refreshFormPreview();
  else refreshPreview(id);
  return h(
    'section',
    {},
    h('p', {}, h('a', { href: '#/chatbots' }, '← Chatbots')),
    h('h1', {}, isNew ? 'New chatbot' : `Chatbot ${bot.name}`),
    h(
      'div',
      { class: 'split' },
      h(
        'form',
        { class: 'panel', id: 'chatbot-form', onsubmit: save },
        field('Name', inputs.name),
        field('Kind', inputs.kind),
        webhookFields,
        appFields,
        field('Keywords', inputs.keywords, 'Comma separated; the bot’s keyword security setting.'),
        h('h2', {}, 'Card'),
        field('Language', inputs.language),
        field('Labels', inputs.labels, 'Comma separated, in order (default: the grouping labels and instance).'),
        field('Annotations', inputs.annotations, 'Comma separated (default: summary, description).'),
        field('Title template', inputs.titleTemplate, 'Placeholders like {{status}}, {{alertname}}, {{labels.cluster}}.'),
        field('Mentions on firing cards', inputs.mentions, 'Comma separated open_ids (ou_…), or all.'),
        field('Header colour by severity', inputs.severityColors, 'severity=colour, comma separated; colours: blue, wathet, turquoise, green, yellow, orange, red, carmine, violet, purple, indigo, grey. Resolved cards are green.'),
        field('Custom card template (optional)', inputs.template, 'A whole Lark card as JSON with placeholders; checked by the preview as you type and when saved. It replaces the fields above.'),
        h('h2', {}, 'Daily summary'),
        h('label', { class: 'check' }, inputs.summaryEnabled, 'Post a daily summary (total, resolved, unresolved)'),
        field('At', inputs.summaryTimes, 'Times of day, HH:mm, comma separated.'),
        field('Time zone', inputs.summaryTimezone, 'IANA zone; empty for the installation default.'),
        message,
        h('div', { class: 'actions' }, isNew ? null : h('button', { type: 'button', class: 'secondary', onclick: sendTest }, 'Send test'), h('button', { type: 'submit' }, isNew ? 'Create' : 'Save')),
        testResult,
      ),
      h('div', {}, h('h2', {}, 'Preview'), preview),
    ),
  );
}
