/**
 * `POST /open-apis/auth/v3/tenant_access_token/internal`, free of HTTP. Checks, in order:
 * body and both fields present, non-empty strings, app_id shaped like `cli_…` (10003), app
 * registered (10014 "app id not exists"), secret (10014 "app secret invalid"). All HTTP 200.
 */
import { tokenTtlSeconds } from './apps';
import { APP_CODES, APP_MESSAGES, authError } from './app-responses';
import type { AppState } from './app-state';
import type { LarkReply } from './types';

export interface TokenRequest {
  raw: Buffer;
  rawSize: number;
}

const MAX_TOKEN_BODY_BYTES = 64 * 1024;
const APP_ID = /^cli_[A-Za-z0-9]+$/;

function parse(req: TokenRequest): unknown {
  if (req.rawSize > MAX_TOKEN_BODY_BYTES) return null;
  try {
    return JSON.parse(req.raw.toString('utf8'));
  } catch {
    return null;
  }
}

function decide(state: AppState, body: unknown, now: number): { reply: LarkReply; appId: string | null } {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const appId = fields['app_id'];
  const secret = fields['app_secret'];
  const named = typeof appId === 'string' && appId !== '' ? appId : null;
  const invalid = { reply: authError(APP_CODES.invalidParam, APP_MESSAGES.invalidParam), appId: named };
  if (typeof appId !== 'string' || typeof secret !== 'string' || secret === '' || !APP_ID.test(appId)) return invalid;

  const app = state.apps.get(appId);
  if (!app) return { reply: authError(APP_CODES.appCredentials, APP_MESSAGES.appIdNotExists), appId };
  state.tokens.countRequest(appId);
  if (secret !== app.appSecret) return { reply: authError(APP_CODES.appCredentials, APP_MESSAGES.appSecretInvalid), appId };

  const { token, expire } = state.tokens.issue(appId, tokenTtlSeconds(app), now);
  return { reply: { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire } }, appId };
}

export function handleTenantToken(state: AppState, req: TokenRequest): LarkReply {
  const now = state.clock();
  const body = parse(req);
  const { reply, appId } = decide(state, body, now);
  const code = Number(reply.body['code']);
  state.requests.add({
    api: 'tenant_access_token',
    receivedAt: new Date(now).toISOString(),
    appId,
    accepted: code === 0,
    code,
    msg: String(reply.body['msg']),
    httpStatus: reply.status,
    body,
    rawSize: req.rawSize,
  });
  return reply;
}
