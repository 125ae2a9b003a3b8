// Tiny DOM helpers: every API value goes in as text (textContent / attributes), never as HTML.
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'value') element.value = value;
    else if (name === 'checked') element.checked = Boolean(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
export const lines = (text) => text.split(/[\n,]/).map((line) => line.trim()).filter(Boolean);

/** The API's `{error, message, details?}` as a readable message (details as `path: message` lines). */
export function errorBox(error) {
  const message = error && error.message ? error.message : String(error);
  const details = error && error.details;
  const detailLines = (Array.isArray(details) ? details : details == null ? [] : [details])
    .map((detail) => (detail && typeof detail === 'object' ? (detail.path ? `${detail.path}: ${detail.message ?? JSON.stringify(detail)}` : detail.message ?? Object.values(detail).join(' · ')) : String(detail)))
    .filter((line) => line !== message);
  return h('div', { class: 'error', role: 'alert' }, [message, ...detailLines].join('\n'));
}

export function confirmDialog(text, okLabel = 'Delete') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  const ok = document.getElementById('confirm-ok');
  ok.textContent = okLabel;
  return new Promise((resolve) => {
    const done = (answer) => () => {
      dialog.close();
      ok.onclick = null;
      document.getElementById('confirm-cancel').onclick = null;
      resolve(answer);
    };
    ok.onclick = done(true);
    document.getElementById('confirm-cancel').onclick = done(false);
    dialog.showModal();
  });
}
