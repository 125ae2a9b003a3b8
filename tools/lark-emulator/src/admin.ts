/** The emulator's own JSON API under `/_emulator`, free of HTTP plumbing. */
import { z } from 'zod';
import { botSchema } from './bots';
import { faultRequestSchema } from './faults';
import type { EmulatorState } from './webhook';

export const ADMIN_PREFIX = '/_emulator';

export interface AdminRequest {
  method: string;
  /** Path below the prefix, e.g. `/bots`. */
  path: string;
  query: URLSearchParams;
  raw: Buffer;
}

export interface AdminReply {
  status: number;
  body: unknown;
}

const ok = (body: unknown, status = 200): AdminReply => ({ status, body });
const fail = (status: number, error: string): AdminReply => ({ status, body: { error } });

export function parseJson<T>(raw: Buffer, schema: z.ZodType<T>): { data: T } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return { error: 'body is not JSON' };
  }
  const result = schema.safeParse(value);
  return result.success ? { data: result.data } : { error: z.prettifyError(result.error) };
}

function listMessages(state: EmulatorState, query: URLSearchParams): AdminReply {
  const accepted = query.get('accepted');
  if (accepted !== null && accepted !== 'true' && accepted !== 'false') {
    return fail(400, 'accepted must be true or false');
  }
  const messages = state.log.list({
    token: query.get('token') || undefined,
    accepted: accepted === null ? undefined : accepted === 'true',
  });
  return ok({ messages });
}

export function handleAdmin(state: EmulatorState, req: AdminRequest): AdminReply {
  const route = `${req.method} ${req.path.replace(/\/+$/, '') || '/'}`;
  const botPath = /^DELETE \/bots\/([^/]+)$/.exec(route);
  if (botPath) {
    const token = decodeURIComponent(botPath[1] ?? '');
    return state.bots.remove(token) ? ok({ removed: token }) : fail(404, 'unknown bot');
  }
  switch (route) {
    case 'GET /healthz':
      return ok({ status: 'ok' });
    case 'GET /bots':
      return ok({ bots: state.bots.list() });
    case 'POST /bots': {
      const parsed = parseJson(req.raw, botSchema);
      if ('error' in parsed) return fail(400, parsed.error);
      const created = state.bots.upsert(parsed.data);
      return ok({ bot: state.bots.get(parsed.data.token), created }, 201);
    }
    case 'GET /messages':
      return listMessages(state, req.query);
    case 'DELETE /messages':
      state.limiter.reset();
      return ok({ cleared: state.log.clear() });
    case 'GET /faults':
      return ok(state.faults.pending());
    case 'POST /faults': {
      const parsed = parseJson(req.raw, faultRequestSchema);
      if ('error' in parsed) return fail(400, parsed.error);
      state.faults.push(parsed.data.token, parsed.data.faults);
      return ok({ queued: parsed.data.faults.length, token: parsed.data.token ?? null }, 201);
    }
    case 'DELETE /faults':
      state.faults.clear();
      return ok({ cleared: true });
    default:
      return fail(404, `no route ${route}`);
  }
}
