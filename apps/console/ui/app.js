// Entry: sign-in, the nav bar and a hash router over the pages.
import { alertGroupsPage } from './alert-groups.js';
import { api, token } from './api.js';
import { errorBox, h } from './dom.js';
import { chatbotsPage, chatbotFormPage } from './chatbots.js';
import { alertsPage, deliveriesPage, inhibitionPage, policiesPage, silencesPage, statsPage } from './pages.js';

const main = document.getElementById('main');

const routes = {
  chatbots: chatbotsPage,
  chatbot: chatbotFormPage,
  policies: policiesPage,
  silences: silencesPage,
  inhibition: inhibitionPage,
  alerts: alertsPage,
  'alert-groups': alertGroupsPage,
  deliveries: deliveriesPage,
  stats: statsPage,
};

function signInPage() {
  const input = h('input', { type: 'password', id: 'token', placeholder: 'alk_api_…', autocomplete: 'off' });
  const message = h('div');
  const form = h(
    'form',
    {
      class: 'panel signin',
      onsubmit: async (event) => {
        event.preventDefault();
        message.replaceChildren();
        try {
          // Any team-scoped read proves the token.
          await api('GET', '/notification-objects?limit=1', undefined, input.value.trim());
          token.set(input.value.trim());
          // A card's link opened before signing in keeps its page.
          if (!location.hash.replace(/^#\/?/, '')) location.hash = '#/chatbots';
          render();
        } catch (error) {
          message.replaceChildren(errorBox(error.status === 401 ? { message: 'That token was not accepted: use a team API token (alk_api_…).' } : error));
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, "Your team's API token. It stays in this tab only."),
    h('label', {}, h('span', {}, 'Team API token'), input),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
  );
  main.replaceChildren(form);
  input.focus();
}

export async function render() {
  const signedIn = Boolean(token.get());
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  if (!signedIn) return signInPage();
  const [name = 'chatbots', ...rest] = location.hash.replace(/^#\/?/, '').replace(/\?.*$/s, '').split('/');
  const page = routes[name] ?? chatbotsPage;
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.page === (name === 'chatbot' ? 'chatbots' : name));
  main.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    main.replaceChildren(await page(...rest.map(decodeURIComponent)));
  } catch (error) {
    if (error.status === 401) {
      token.clear();
      return render();
    }
    main.replaceChildren(errorBox(error));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  token.clear();
  location.hash = '';
  render();
});
window.addEventListener('hashchange', render);
render();
