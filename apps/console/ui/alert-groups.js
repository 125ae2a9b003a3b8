// Alert groups: their incidents, who handles them, and acting on them as from the chat.
import { api, query } from './api.js';
import { errorBox, h, time } from './dom.js';

/** The name an action is taken under: typed once, remembered in this browser (as the action-link page does). */
const ACTOR_KEY = 'alertlark.actor';
const STATES = ['open', 'claimed', 'resolved'];
const SILENCES = ['1h', '4h', '24h'];
/** After an action, how often and how long to re-read the group until its log shows the decision. */
const SETTLE_EVERY_MS = 500;
const SETTLE_TRIES = 40;

// The filter outlives the page, so going back from a group keeps it.
let listState = 'open';

const table = (titles, rows, empty) =>
  h('table', {}, h('thead', {}, h('tr', {}, titles.map((title) => h('th', {}, title)))), h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: titles.length, class: 'muted' }, empty))));

/** `alertname="HighCPU", cluster="prod"`; a group without labels is every alert of its policy. */
const groupTitle = (group) => group.groupLabels.map(({ name, value }) => `${name}="${value}"`).join(', ') || '(all alerts of the policy)';

/** Who did something; a name typed by hand (an action link, the console) is marked unverified. */
function actorNode(actor) {
  if (!actor) return '—';
  return h('span', {}, actor.name, actor.verified ? null : h('span', { class: 'unverified', title: 'a name typed by hand: Lark did not confirm who this is' }, ' (unverified)'));
}

function silenceNode(group, now = Date.now()) {
  const silence = group.incident && group.incident.silence;
  if (!silence) return group.silenceId ? h('span', { class: 'mono' }, group.silenceId) : '—';
  const over = Date.parse(silence.endsAt) <= now;
  return h('span', {}, over ? `ended ${time(silence.endsAt)}` : `until ${time(silence.endsAt)}`, ' by ', actorNode(silence.by));
}

const stateBadge = (state) => h('span', { class: `badge ${state}`, 'data-testid': 'group-state' }, state);

/** The router's decision on an action, as the person who asked should read it. */
function decisionNode(type, duration, result) {
  const what = type === 'silence' ? `Silence ${duration}` : type[0].toUpperCase() + type.slice(1);
  if (result.outcome === 'applied') return h('div', { class: 'ok', role: 'status' }, `${what}: done.`);
  if (result.outcome === 'refused') return h('div', { class: 'error', role: 'alert' }, `${what}: not done: ${result.reason ?? 'refused'}.`);
  return h('div', { class: 'pending', role: 'status' }, `${what}: under way; the action log below shows the decision when it is taken.`);
}

export async function alertGroupsPage(id) {
  return id ? alertGroupPage(id) : alertGroupListPage();
}

async function alertGroupListPage() {
  const message = h('div');
  const holder = h('div');
  const filter = h('select', { name: 'state', id: 'group-state-filter' }, [...STATES.map((state) => h('option', { value: state }, state)), h('option', { value: '' }, 'any state')]);
  filter.value = listState;
  async function load() {
    message.replaceChildren();
    try {
      const page = await api('GET', `/alert-groups${query({ state: listState, limit: 100 })}`);
      holder.replaceChildren(
        table(
          ['Group', 'State', 'Handler', 'Silence', 'Updated'],
          page.items.map((group) =>
            h(
              'tr',
              { 'data-id': group.id },
              h('td', {}, h('a', { href: `#/alert-groups/${encodeURIComponent(group.id)}`, class: 'mono' }, groupTitle(group))),
              h('td', {}, stateBadge(group.state)),
              h('td', {}, actorNode(group.handler)),
              h('td', {}, silenceNode(group)),
              h('td', {}, time(group.updatedAt)),
            ),
          ),
          listState ? `No ${listState} alert groups.` : 'No alert groups yet.',
        ),
      );
    } catch (error) {
      message.replaceChildren(errorBox(error));
    }
  }
  filter.addEventListener('change', () => ((listState = filter.value), load()));
  await load();
  return h(
    'section',
    {},
    h('h1', {}, 'Alert groups'),
    h('p', { class: 'muted' }, 'Each group of alerts a policy notifies together, with its incident: who claimed it, whether it was resolved or silenced.'),
    h('div', { class: 'toolbar' }, h('span', {}, 'State'), filter),
    message,
    holder,
  );
}

async function alertGroupPage(id) {
  const path = `/alert-groups/${encodeURIComponent(id)}`;
  let group = await api('GET', path);
  const heading = h('h1');
  const summary = h('div', { class: 'panel', id: 'group-summary' });
  const log = h('div', { id: 'group-actions' });
  const decision = h('div', { id: 'action-result' });
  const actor = h('input', { name: 'actor', id: 'actor', value: localStorage.getItem(ACTOR_KEY) ?? '', placeholder: 'Your name, as the chat should see it', autocomplete: 'name' });

  function show() {
    heading.replaceChildren(groupTitle(group), ' ', stateBadge(group.state));
    const incident = group.incident;
    summary.replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Firing'),
        h('dd', { 'data-testid': 'group-firing' }, String(group.firing)),
        h('dt', {}, 'State'),
        h('dd', {}, stateBadge(group.state)),
        h('dt', {}, 'Handler'),
        h('dd', { 'data-testid': 'group-handler' }, actorNode(group.handler)),
        h('dt', {}, 'Silence'),
        h('dd', {}, silenceNode(group)),
        h('dt', {}, 'Incident'),
        h('dd', {}, incident ? [h('span', { class: 'mono' }, incident.id), ` opened ${time(new Date(incident.openedAt).toISOString())}`] : 'none'),
        incident && incident.claimedAt ? [h('dt', {}, 'Claimed'), h('dd', {}, time(new Date(incident.claimedAt).toISOString()), ' by ', actorNode(incident.claimedBy))] : null,
        incident && incident.resolvedAt ? [h('dt', {}, 'Resolved'), h('dd', {}, time(new Date(incident.resolvedAt).toISOString()), ' by ', actorNode(incident.resolvedBy))] : null,
        h('dt', {}, 'Policy'),
        h('dd', { class: 'mono' }, group.policyId),
        h('dt', {}, 'Updated'),
        h('dd', {}, time(group.updatedAt), group.endedAt ? ` · ended ${time(group.endedAt)}` : ''),
      ),
    );
    log.replaceChildren(
      table(
        ['Requested', 'Action', 'By', 'Source', 'Outcome', 'Reason', 'Decided'],
        [...group.actions].reverse().map((action) =>
          h(
            'tr',
            { 'data-id': action.id },
            h('td', {}, time(action.requestedAt)),
            h('td', {}, action.type, action.silenceId ? h('span', { class: 'muted mono' }, ` ${action.silenceId}`) : null),
            h('td', {}, actorNode(action.actor)),
            h('td', {}, action.source),
            h('td', {}, h('span', { class: `badge ${action.outcome}` }, action.outcome)),
            h('td', {}, action.reason ?? ''),
            h('td', {}, time(action.decidedAt)),
          ),
        ),
        'Nobody has acted on this group yet.',
      ),
    );
  }

  /**
   * Re-reads the group until the page shows what the router decided: the action decided in the
   * log and, when applied, the incident as the decision left it (the log and the group are
   * projected by two consumers, so either may come first).
   */
  async function settle(result) {
    for (let attempt = 0; attempt < SETTLE_TRIES; attempt++) {
      group = await api('GET', path);
      show();
      const logged = group.actions.find((action) => action.id === result.actionId);
      const decided = logged && logged.outcome !== 'pending';
      const after = result.outcome === 'applied' ? result.incident : undefined;
      const caughtUp = !after || (group.incident && group.incident.state === after.state && (!result.silenceId || group.silenceId === result.silenceId));
      if (decided && caughtUp) return;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_EVERY_MS));
    }
  }

  async function act(type, duration) {
    const name = actor.value.trim();
    if (!name) {
      decision.replaceChildren(errorBox({ message: 'Type your name first: it is who the chat and the action log will show.' }));
      actor.focus();
      return;
    }
    localStorage.setItem(ACTOR_KEY, name);
    decision.replaceChildren(h('p', { class: 'muted' }, 'Asking…'));
    try {
      const result = await api('POST', `${path}/actions`, { type, actor: name, ...(duration ? { duration } : {}) });
      decision.replaceChildren(decisionNode(type, duration, result));
      await settle(result);
    } catch (error) {
      decision.replaceChildren(errorBox(error));
    }
  }

  show();
  return h(
    'section',
    {},
    h('p', {}, h('a', { href: '#/alert-groups' }, '← Alert groups')),
    heading,
    summary,
    h(
      'div',
      { class: 'panel', id: 'group-act' },
      h('h2', {}, 'Act'),
      h('label', {}, h('span', {}, 'Your name'), actor),
      h(
        'div',
        { class: 'toolbar' },
        h('button', { type: 'button', onclick: () => act('claim') }, 'Claim'),
        h('button', { type: 'button', class: 'secondary', onclick: () => act('unclaim') }, 'Unclaim'),
        h('button', { type: 'button', onclick: () => act('resolve') }, 'Resolve'),
        SILENCES.map((duration) => h('button', { type: 'button', class: 'secondary', onclick: () => act('silence', duration) }, `Silence ${duration}`)),
      ),
      decision,
    ),
    h('h2', {}, 'Action log'),
    log,
  );
}
