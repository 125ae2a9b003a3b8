/**
 * `POST /_emulator/apps/:appId/verify-url`: what Lark does when someone saves the callback URL.
 * It POSTs `{"challenge","type":"url_verification","token"}` (encrypted when the app has an
 * Encrypt Key) and wants `{"challenge": <the same>}` back within 1 s.
 */
import { randomUUID } from 'node:crypto';
import { buildUrlVerification, callbackDelivery, readCallbackAnswer } from './card-callback';
import type { CallbackContext, ClickReply } from './click';

export async function verifyUrl(ctx: CallbackContext, appId: string): Promise<ClickReply> {
  const app = ctx.state.apps.get(appId);
  if (!app) return { status: 404, body: { error: `unknown app ${appId}` } };
  if (app.callbackUrl === undefined) return { status: 409, body: { error: `app ${appId} has no callbackUrl` } };
  const challenge = randomUUID();
  const delivery = callbackDelivery(app, JSON.stringify(buildUrlVerification(app, challenge)), {
    timestampSeconds: Math.floor(ctx.state.clock() / 1000),
    nonce: randomUUID(),
  });
  const result = await ctx.post(app.callbackUrl, delivery.body, delivery.headers, ctx.verifyTimeoutMs);
  if (!result.ok) return { status: 200, body: { ok: false, answer: null, challenge, status: null, ms: result.ms, error: result.error } };
  const { answer } = readCallbackAnswer(result.status, result.text);
  const echoed = typeof answer === 'object' && answer !== null && (answer as Record<string, unknown>)['challenge'] === challenge;
  return { status: 200, body: { ok: result.status === 200 && echoed, answer, challenge, status: result.status, ms: result.ms } };
}
