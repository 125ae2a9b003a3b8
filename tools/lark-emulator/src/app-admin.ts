/** The app-bot part of the admin API under `/_emulator` (apps, their messages, clicks), free of HTTP plumbing. */
import { appSchema, tokenTtlSeconds } from './apps';
import { type AdminReply, type AdminRequest, parseJson } from './admin';
import type { AppApi } from './app-request-log';
import type { AppState } from './app-state';
import { type CallbackContext, clickSchema, performClick } from './click';
import { verifyUrl } from './url-verify';

const ok = (body: unknown, status = 200): AdminReply => ({ status, body });
const fail = (status: number, error: string): AdminReply => ({ status, body: { error } });
const API_NAMES: readonly AppApi[] = ['tenant_access_token', 'send', 'patch'];

function appView(state: AppState, appId: string) {
  const app = state.apps.get(appId);
  if (!app) return undefined;
  return { ...app, tokenTtlSeconds: tokenTtlSeconds(app), ...state.tokens.stats(appId, state.clock()) };
}

function booleanQuery(query: URLSearchParams, name: string): boolean | undefined | 'bad' {
  const value = query.get(name);
  if (value === null) return undefined;
  return value === 'true' ? true : value === 'false' ? false : 'bad';
}

function listRequests(state: AppState, query: URLSearchParams): AdminReply {
  const accepted = booleanQuery(query, 'accepted');
  if (accepted === 'bad') return fail(400, 'accepted must be true or false');
  const api = query.get('api');
  if (api !== null && !API_NAMES.includes(api as AppApi)) return fail(400, `api must be one of ${API_NAMES.join(', ')}`);
  return ok({
    requests: state.requests.list({
      appId: query.get('appId') || undefined,
      api: (api as AppApi | null) ?? undefined,
      accepted,
    }),
  });
}

/** Clears every trace of app traffic: messages, the request log, edit rate windows, remembered clicks. */
function clearAppTraffic(state: AppState): AdminReply {
  const cleared = state.messages.clear();
  const requests = state.requests.clear();
  state.patchLimiter.reset();
  state.events.clear();
  return ok({ cleared, requests });
}

/** Routes of the app half of the admin API; undefined when the route is not one of them. */
export function handleAppAdmin(ctx: CallbackContext, req: AdminRequest): Promise<AdminReply> | AdminReply | undefined {
  const { state } = ctx;
  const route = `${req.method} ${req.path.replace(/\/+$/, '') || '/'}`;
  const appPath = /^(DELETE|POST) \/apps\/([^/]+)(\/tokens|\/verify-url)?$/.exec(route);
  if (appPath) {
    const [, method, encoded, sub] = appPath;
    const appId = decodeURIComponent(encoded ?? '');
    if (method === 'POST' && sub === '/verify-url') return verifyUrl(ctx, appId);
    if (method === 'DELETE' && sub === '/tokens') {
      return state.apps.get(appId) ? ok({ revoked: state.tokens.revoke(appId) }) : fail(404, 'unknown app');
    }
    if (method === 'DELETE' && sub === undefined) {
      if (!state.apps.remove(appId)) return fail(404, 'unknown app');
      state.tokens.forget(appId);
      return ok({ removed: appId });
    }
    return fail(404, `no route ${route}`);
  }
  switch (route) {
    case 'GET /apps':
      return ok({ apps: state.apps.list().map((a) => appView(state, a.appId)) });
    case 'POST /apps': {
      const parsed = parseJson(req.raw, appSchema);
      if ('error' in parsed) return fail(400, parsed.error);
      const created = state.apps.upsert(parsed.data);
      return ok({ app: appView(state, parsed.data.appId), created }, 201);
    }
    case 'GET /app-messages':
      return ok({ messages: state.messages.list({ chatId: req.query.get('chatId') || undefined, appId: req.query.get('appId') || undefined }) });
    case 'DELETE /app-messages':
      return clearAppTraffic(state);
    case 'GET /app-requests':
      return listRequests(state, req.query);
    case 'POST /click': {
      const parsed = parseJson(req.raw, clickSchema);
      if ('error' in parsed) return fail(400, parsed.error);
      return performClick(ctx, parsed.data);
    }
    default:
      return undefined;
  }
}
