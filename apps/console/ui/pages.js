// Policies, silences, alerts, deliveries and statistics.
import { api, query, routeQuery } from './api.js';
import { confirmDialog, errorBox, h, lines, svg, time } from './dom.js';

const table = (titles, rows, empty) =>
  h('table', {}, h('thead', {}, h('tr', {}, titles.map((title) => h('th', {}, title)))), h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: titles.length, class: 'muted' }, empty))));
const field = (label, input) => h('label', {}, h('span', {}, label), input);
const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

async function chatbotNames() {
  const page = await api('GET', '/notification-objects?limit=100');
  return new Map(page.items.map((bot) => [bot.id, bot.name]));
}

const POLICY_DEFAULTS = { name: '', matchers: [], objectIds: [], groupBy: ['alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', sendResolved: true, enabled: true };

export async function policiesPage() {
  const [page, bots] = await Promise.all([api('GET', '/notification-policies?limit=100'), chatbotNames()]);
  const inputs = {
    name: h('input', { name: 'name', required: true }),
    matchers: h('textarea', { name: 'matchers', placeholder: 'severity="critical"\nteam=~"db|web"' }),
    objectIds: h('select', { name: 'objectIds', multiple: true }, [...bots].map(([id, name]) => h('option', { value: id }, name))),
    groupBy: h('input', { name: 'groupBy' }),
    groupWait: h('input', { name: 'groupWait' }),
    groupInterval: h('input', { name: 'groupInterval' }),
    repeatInterval: h('input', { name: 'repeatInterval' }),
    sendResolved: h('input', { type: 'checkbox', name: 'sendResolved' }),
    enabled: h('input', { type: 'checkbox', name: 'enabled' }),
  };
  const message = h('div');
  const heading = h('h2');
  const submit = h('button', { type: 'submit' });
  const cancel = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => fill(null) }, 'Cancel');
  // The policy being edited, or null for a new one. PUT replaces the whole policy, so the fields
  // this form does not show (rules, time intervals) are sent back as they are.
  let editing = null;
  const fill = (policy) => {
    editing = policy;
    const values = policy ?? POLICY_DEFAULTS;
    inputs.name.value = values.name;
    inputs.matchers.value = values.matchers.join('\n');
    // A chatbot beyond the first page of the list still gets an option, or saving would drop it.
    const listed = new Set([...inputs.objectIds.options].map((option) => option.value));
    for (const id of values.objectIds) if (!listed.has(id)) inputs.objectIds.append(h('option', { value: id }, id));
    for (const option of inputs.objectIds.options) option.selected = values.objectIds.includes(option.value);
    inputs.groupBy.value = values.groupBy.join(', ');
    inputs.groupWait.value = values.groupWait;
    inputs.groupInterval.value = values.groupInterval;
    inputs.repeatInterval.value = values.repeatInterval;
    inputs.sendResolved.checked = values.sendResolved;
    inputs.enabled.checked = values.enabled;
    heading.textContent = policy ? `Edit policy "${policy.name}"` : 'New policy';
    submit.textContent = policy ? 'Save policy' : 'Create policy';
    cancel.hidden = !policy;
    message.replaceChildren();
    if (policy) inputs.name.focus();
  };
  const save = async (event) => {
    event.preventDefault();
    message.replaceChildren();
    const kept = editing ? Object.fromEntries(['rules', 'muteTimeIntervals', 'activeTimeIntervals'].filter((key) => editing[key] !== null).map((key) => [key, editing[key]])) : {};
    const body = {
      ...kept,
      name: inputs.name.value.trim(),
      matchers: inputs.matchers.value.split('\n').map((line) => line.trim()).filter(Boolean),
      objectIds: [...inputs.objectIds.selectedOptions].map((option) => option.value),
      groupBy: lines(inputs.groupBy.value),
      groupWait: inputs.groupWait.value.trim(),
      groupInterval: inputs.groupInterval.value.trim(),
      repeatInterval: inputs.repeatInterval.value.trim(),
      sendResolved: inputs.sendResolved.checked,
      enabled: inputs.enabled.checked,
    };
    try {
      if (editing) await api('PUT', `/notification-policies/${encodeURIComponent(editing.id)}`, body);
      else await api('POST', '/notification-policies', body);
      rerender();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  const remove = async (policy) => {
    if (!(await confirmDialog(`Delete policy "${policy.name}"?`))) return;
    try {
      await api('DELETE', `/notification-policies/${encodeURIComponent(policy.id)}`);
      rerender();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  fill(null);
  return h(
    'section',
    {},
    h('h1', {}, 'Notification policies'),
    table(
      ['Name', 'Matchers', 'Chatbots', 'Group by', 'Wait / interval / repeat', 'Resolved', 'Enabled', ''],
      page.items.map((policy) =>
        h(
          'tr',
          {},
          h('td', {}, policy.name),
          h('td', { class: 'mono' }, policy.matchers.join('\n') || '(all alerts)'),
          h('td', {}, policy.objectIds.map((id) => bots.get(id) ?? id).join(', ')),
          h('td', {}, policy.groupBy.join(', ')),
          h('td', {}, `${policy.groupWait} / ${policy.groupInterval} / ${policy.repeatInterval}`),
          h('td', {}, policy.sendResolved ? 'yes' : 'no'),
          h('td', {}, h('span', { class: `badge ${policy.enabled ? 'active' : ''}` }, policy.enabled ? 'enabled' : 'disabled')),
          h(
            'td',
            { class: 'row-actions' },
            h('button', { class: 'secondary', onclick: () => fill(policy) }, 'Edit'),
            h('button', { class: 'danger', onclick: () => remove(policy) }, 'Delete'),
          ),
        ),
      ),
      'No policies yet.',
    ),
    h(
      'form',
      { class: 'panel', id: 'policy-form', onsubmit: save },
      heading,
      field('Name', inputs.name),
      field('Matchers (one per line, Alertmanager syntax)', inputs.matchers),
      field('Chatbots', inputs.objectIds),
      field('Group by (comma separated)', inputs.groupBy),
      field('Group wait', inputs.groupWait),
      field('Group interval', inputs.groupInterval),
      field('Repeat interval', inputs.repeatInterval),
      h('label', { class: 'check' }, inputs.sendResolved, 'Send resolved'),
      h('label', { class: 'check' }, inputs.enabled, 'Enabled'),
      message,
      h('div', { class: 'actions' }, submit, cancel),
    ),
  );
}

export async function inhibitionPage() {
  const page = await api('GET', '/inhibition-rules?limit=100');
  const inputs = {
    name: h('input', { name: 'name', required: true }),
    sourceMatchers: h('textarea', { name: 'sourceMatchers', placeholder: 'severity="critical"' }),
    targetMatchers: h('textarea', { name: 'targetMatchers', placeholder: 'severity="warning"' }),
    equal: h('input', { name: 'equal', placeholder: 'alertname, cluster' }),
  };
  const message = h('div');
  const matcherLines = (textarea) => textarea.value.split('\n').map((line) => line.trim()).filter(Boolean);
  const create = async (event) => {
    event.preventDefault();
    message.replaceChildren();
    try {
      await api('POST', '/inhibition-rules', {
        name: inputs.name.value.trim(),
        sourceMatchers: matcherLines(inputs.sourceMatchers),
        targetMatchers: matcherLines(inputs.targetMatchers),
        equal: lines(inputs.equal.value),
      });
      rerender();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  const remove = async (rule) => {
    if (!(await confirmDialog(`Delete inhibition rule "${rule.name}"?`))) return;
    try {
      await api('DELETE', `/inhibition-rules/${encodeURIComponent(rule.id)}`);
      rerender();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  return h(
    'section',
    {},
    h('h1', {}, 'Inhibition rules'),
    h('p', { class: 'muted' }, 'While an alert matching the source matchers fires, alerts matching the target matchers with the same values of the equal labels are not notified (as in Alertmanager).'),
    table(
      ['Name', 'Source (firing)', 'Target (muted)', 'Equal labels', ''],
      page.items.map((rule) =>
        h(
          'tr',
          {},
          h('td', {}, rule.name),
          h('td', { class: 'mono' }, rule.sourceMatchers.join('\n')),
          h('td', { class: 'mono' }, rule.targetMatchers.join('\n')),
          h('td', {}, rule.equal.join(', ') || '—'),
          h('td', {}, h('button', { class: 'danger', onclick: () => remove(rule) }, 'Delete')),
        ),
      ),
      'No inhibition rules.',
    ),
    h(
      'form',
      { class: 'panel', id: 'inhibition-form', onsubmit: create },
      h('h2', {}, 'New inhibition rule'),
      field('Name', inputs.name),
      field('Source matchers (one per line): the alerts that mute', inputs.sourceMatchers),
      field('Target matchers (one per line): the alerts muted', inputs.targetMatchers),
      field('Equal labels (comma separated)', inputs.equal),
      message,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create rule')),
    ),
  );
}

export async function silencesPage() {
  const page = await api('GET', '/silences?limit=100');
  const inHours = new Date(Date.now() + 2 * 3600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const inputs = {
    matchers: h('textarea', { name: 'matchers', placeholder: 'alertname="HighCPU"' }),
    endsAt: h('input', { type: 'datetime-local', name: 'endsAt', value: inHours }),
    comment: h('input', { name: 'comment' }),
    createdBy: h('input', { name: 'createdBy' }),
  };
  const message = h('div');
  const create = async (event) => {
    event.preventDefault();
    message.replaceChildren();
    const endsAt = new Date(inputs.endsAt.value);
    try {
      await api('POST', '/silences', {
        matchers: inputs.matchers.value.split('\n').map((line) => line.trim()).filter(Boolean),
        endsAt: Number.isNaN(endsAt.getTime()) ? inputs.endsAt.value : endsAt.toISOString(),
        comment: inputs.comment.value,
        createdBy: inputs.createdBy.value,
      });
      rerender();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  const expire = async (silence) => {
    if (!(await confirmDialog('Expire this silence now?', 'Expire'))) return;
    try {
      await api('DELETE', `/silences/${encodeURIComponent(silence.id)}`);
      rerender();
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  };
  return h(
    'section',
    {},
    h('h1', {}, 'Silences'),
    table(
      ['State', 'Matchers', 'Starts', 'Ends', 'Comment', 'By', ''],
      page.items.map((silence) =>
        h(
          'tr',
          {},
          h('td', {}, h('span', { class: `badge ${silence.state}` }, silence.state)),
          h('td', { class: 'mono' }, silence.matchers.join('\n')),
          h('td', {}, time(silence.startsAt)),
          h('td', {}, time(silence.endsAt)),
          h('td', {}, silence.comment),
          h('td', {}, silence.createdBy),
          h('td', {}, silence.state === 'expired' ? null : h('button', { class: 'secondary', onclick: () => expire(silence) }, 'Expire')),
        ),
      ),
      'No silences.',
    ),
    h(
      'form',
      { class: 'panel', id: 'silence-form', onsubmit: create },
      h('h2', {}, 'New silence'),
      field('Matchers (one per line)', inputs.matchers),
      field('Ends at', inputs.endsAt),
      field('Comment', inputs.comment),
      field('Created by', inputs.createdBy),
      message,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create silence')),
    ),
  );
}

const labelText = (labels) => Object.entries(labels).map(([name, value]) => `${name}="${value}"`).join(', ');

export async function alertsPage(fingerprint) {
  if (fingerprint) {
    const alert = await api('GET', `/alerts/${encodeURIComponent(fingerprint)}`);
    return h(
      'section',
      {},
      h('p', {}, h('a', { href: '#/alerts' }, '← Alerts')),
      h('h1', {}, alert.labels.alertname ?? alert.fingerprint, ' ', h('span', { class: `badge ${alert.state}` }, alert.state)),
      h(
        'div',
        { class: 'panel' },
        h('p', { class: 'mono' }, labelText(alert.labels)),
        ...Object.entries(alert.annotations).map(([name, value]) => h('p', {}, h('strong', {}, `${name}: `), value)),
        h('p', { class: 'muted' }, `Started ${time(alert.startsAt)} · ends ${time(alert.endsAt)} · last received ${time(alert.lastReceivedAt)}`),
      ),
      h('h2', {}, 'History'),
      table(
        ['At', 'What', 'Policy', 'Group', 'Detail'],
        alert.history.map((entry) =>
          h('tr', {}, h('td', {}, time(entry.at)), h('td', {}, h('span', { class: `badge ${entry.kind}` }, entry.kind)), h('td', { class: 'mono' }, entry.policyId ?? ''), h('td', { class: 'mono' }, entry.groupKey ?? ''), h('td', {}, entry.detail ?? '')),
        ),
        'No history.',
      ),
    );
  }
  // A card's link to a group without an id (`/alerts?group=<group key>`): that group's alerts.
  const group = routeQuery().get('group') ?? undefined;
  const [firing, resolved] = await Promise.all(['firing', 'resolved'].map((state) => api('GET', `/alerts${query({ state, group, limit: 100 })}`)));
  const rows = (items) =>
    items.map((alert) =>
      h(
        'tr',
        {},
        h('td', {}, h('a', { href: `#/alerts/${encodeURIComponent(alert.fingerprint)}` }, alert.labels.alertname ?? alert.fingerprint)),
        h('td', { class: 'mono' }, labelText(alert.labels)),
        h('td', {}, alert.annotations.summary ?? ''),
        h('td', {}, time(alert.startsAt)),
        h('td', {}, time(alert.endsAt)),
      ),
    );
  const titles = ['Alert', 'Labels', 'Summary', 'Started', 'Ends'];
  return h(
    'section',
    {},
    h('h1', {}, 'Alerts'),
    group ? h('p', { class: 'toolbar', 'data-testid': 'group-filter' }, h('span', {}, 'Group '), h('code', {}, group), h('a', { href: '#/alerts' }, 'All alerts')) : null,
    h('h2', {}, `Firing (${firing.total})`),
    table(titles, rows(firing.items), 'Nothing firing.'),
    h('h2', {}, `Resolved (${resolved.total})`),
    table(titles, rows(resolved.items), 'Nothing resolved yet.'),
  );
}

export async function deliveriesPage() {
  const bots = await chatbotNames();
  // A digest card links here with its digestId; any filter may come in the route's query.
  const params = routeQuery();
  const state = { page: 1, outcome: params.get('outcome') ?? '', objectId: params.get('objectId') ?? '', digestId: params.get('digestId') ?? '' };
  const message = h('div');
  const holder = h('div');
  const pager = h('div', { class: 'pager' });
  const outcome = h('select', { name: 'outcome' }, ['', 'delivered', 'retrying', 'failed', 'dead-lettered'].map((value) => h('option', { value }, value || 'any outcome')));
  const objectId = h('select', { name: 'objectId' }, h('option', { value: '' }, 'all chatbots'), [...bots].map(([id, name]) => h('option', { value: id }, name)));
  async function load() {
    message.replaceChildren();
    try {
      const answer = await api('GET', `/deliveries${query({ page: state.page, pageSize: 50, outcome: state.outcome, objectId: state.objectId, digestId: state.digestId })}`);
      holder.replaceChildren(
        table(
          ['At', 'Chatbot', 'Outcome', 'Attempt', 'HTTP', 'Lark code', 'Lark msg', 'Error', 'Alerts', 'ms'],
          answer.items.map((row) =>
            h(
              'tr',
              { class: row.outcome === 'failed' || row.outcome === 'dead-lettered' ? 'failed' : '' },
              h('td', {}, time(row.at)),
              h('td', {}, bots.get(row.objectId) ?? row.objectId),
              h('td', {}, h('span', { class: `badge ${row.outcome}` }, row.outcome)),
              h('td', {}, row.attempt),
              h('td', {}, row.httpStatus ?? '—'),
              h('td', {}, row.larkCode ?? '—'),
              h('td', {}, row.larkMsg ?? '—'),
              h('td', {}, row.error ?? ''),
              h('td', {}, row.alertCount),
              h('td', {}, row.durationMs ?? '—'),
            ),
          ),
          'No deliveries yet.',
        ),
      );
      pager.replaceChildren(
        h('button', { class: 'secondary', disabled: state.page === 1, onclick: () => ((state.page -= 1), load()) }, 'Previous'),
        h('span', { class: 'muted' }, `page ${answer.page}`),
        h('button', { class: 'secondary', disabled: !answer.hasMore, onclick: () => ((state.page += 1), load()) }, 'Next'),
      );
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }
  outcome.value = state.outcome;
  objectId.value = state.objectId;
  const digest = state.digestId
    ? h('span', { 'data-testid': 'digest-filter' }, 'Digest ', h('code', {}, state.digestId), ' ', h('a', { href: '#/deliveries' }, 'All deliveries'))
    : null;
  outcome.addEventListener('change', () => ((state.outcome = outcome.value), (state.page = 1), load()));
  objectId.addEventListener('change', () => ((state.objectId = objectId.value), (state.page = 1), load()));
  await load();
  return h('section', {}, h('h1', {}, 'Deliveries'), h('div', { class: 'toolbar' }, objectId, outcome, digest), message, holder, pager);
}

function chart(days) {
  const width = 760;
  const height = 260;
  const top = 16;
  const bottom = 40;
  const left = 36;
  const max = Math.max(1, ...days.map((day) => day.total));
  const slot = (width - left) / Math.max(1, days.length);
  const bar = Math.max(4, (slot - 8) / 3);
  const y = (value) => top + (height - top - bottom) * (1 - value / max);
  const parts = [svg('line', { x1: left, x2: width, y1: y(0), y2: y(0), stroke: '#dee0e3' }), svg('text', { x: 4, y: y(max) + 4 }, max), svg('text', { x: 4, y: y(0) + 4 }, 0)];
  days.forEach((day, index) => {
    const x = left + index * slot + 4;
    ['total', 'resolved', 'unresolved'].forEach((kind, k) => {
      parts.push(svg('rect', { class: kind, x: x + k * bar, y: y(day[kind]), width: bar - 1, height: y(0) - y(day[kind]) }, svg('title', {}, `${day.date} ${kind}: ${day[kind]}`)));
    });
    parts.push(svg('text', { x: x, y: height - bottom + 16 }, day.date.slice(5)));
  });
  return svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': 'alerts per day' }, parts);
}

export async function statsPage() {
  const bots = await chatbotNames();
  const select = h('select', { name: 'objectId', id: 'stats-object' }, [...bots].map(([id, name]) => h('option', { value: id }, name)));
  // A daily summary card links here with its chatbot.
  const wanted = routeQuery().get('objectId');
  if (wanted && bots.has(wanted)) select.value = wanted;
  const holder = h('div', { class: 'panel' });
  async function load() {
    if (!select.value) return holder.replaceChildren(h('p', { class: 'muted' }, 'Create a chatbot to see its statistics.'));
    try {
      const answer = await api('GET', `/stats/daily${query({ objectId: select.value })}`);
      const sum = (kind) => answer.days.reduce((total, day) => total + day[kind], 0);
      holder.replaceChildren(
        h('p', { class: 'muted' }, `Last ${answer.days.length} days in ${answer.timezone}: ${sum('total')} alerts, ${sum('resolved')} resolved, ${sum('unresolved')} unresolved.`),
        h('div', { class: 'legend' }, ['total', 'resolved', 'unresolved'].map((kind) => h('span', {}, h('i', { class: `legend-${kind}` }), kind))),
        chart(answer.days),
      );
    } catch (error) {
      holder.replaceChildren(errorBox(error));
    }
  }
  select.addEventListener('change', load);
  await load();
  return h('section', {}, h('h1', {}, 'Statistics'), h('div', { class: 'toolbar' }, h('span', {}, 'Chatbot'), select), holder);
}
