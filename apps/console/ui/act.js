// The action-link page: the person's name is remembered in this browser, so the next link from a
// card is one click. The form works without this script.
const KEY = 'alertlark.actor';
const input = document.querySelector('input[name="actor"]');
if (input) {
  input.value = localStorage.getItem(KEY) ?? '';
  input.form?.addEventListener('submit', () => localStorage.setItem(KEY, input.value.trim()));
}
