/**
 * HTTP plumbing of the app-bot open APIs (same paths on open.feishu.cn and open.larksuite.com).
 * A known path with the wrong method gets Lark's plain-text `404 page not found`, as live probes saw.
 */
import type http from 'node:http';
import type { AppState } from './app-state';
import { readBody, sendJson, sendText } from './http-util';
import { handlePatchMessage, handleSendMessage, MAX_OPEN_API_BODY_BYTES } from './message-api';
import { handleTenantToken } from './token-api';

const TOKEN_PATH = /^\/open-apis\/auth\/v3\/tenant_access_token\/internal\/?$/;
const MESSAGES_PATH = /^\/open-apis\/im\/v1\/messages\/?$/;
const MESSAGE_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/?$/;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Answers the request when it is one of the app APIs; false when the path is not theirs. */
export async function routeAppApi(state: AppState, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
  const method = req.method ?? 'GET';
  const authorization = req.headers['authorization'];
  const messagePath = MESSAGE_PATH.exec(url.pathname);
  if (TOKEN_PATH.test(url.pathname) && method === 'POST') {
    const { raw, size } = await readBody(req, MAX_OPEN_API_BODY_BYTES + 1);
    const reply = handleTenantToken(state, { raw, rawSize: size });
    sendJson(res, reply.status, reply.body);
  } else if (MESSAGES_PATH.test(url.pathname) && method === 'POST') {
    const { raw, size } = await readBody(req, MAX_OPEN_API_BODY_BYTES + 1);
    const reply = handleSendMessage(state, { authorization, query: url.searchParams, raw, rawSize: size });
    sendJson(res, reply.status, reply.body);
  } else if (messagePath && method === 'PATCH') {
    const { raw, size } = await readBody(req, MAX_OPEN_API_BODY_BYTES + 1);
    const reply = handlePatchMessage(state, { authorization, messageId: decodeSegment(messagePath[1] ?? ''), raw, rawSize: size });
    sendJson(res, reply.status, reply.body);
  } else if (TOKEN_PATH.test(url.pathname) || MESSAGES_PATH.test(url.pathname) || messagePath) {
    sendText(res, 404, '404 page not found');
  } else {
    return false;
  }
  return true;
}
