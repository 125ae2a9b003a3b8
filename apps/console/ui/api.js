// The console API with the signed-in team's token (kept in sessionStorage only).
const TOKEN_KEY = 'alertlark.apiToken';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body.message === 'string' ? body.message : `HTTP ${status}`);
    this.status = status;
    this.error = body && body.error;
    this.details = body && body.details;
  }
}

export async function api(method, path, body, apiToken = token.get()) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, { message: `the console did not answer: ${error.message}` });
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** The query of the page's route (`#/deliveries?digestId=…`): how a card's link says what to show. */
export const routeQuery = () => {
  const at = location.hash.indexOf('?');
  return new URLSearchParams(at >= 0 ? location.hash.slice(at + 1) : '');
};

export const query = (params) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '' && value !== null) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};
