/** Shape check of a webhook body; anything malformed is answered 9499 "Bad Request". */

export const MAX_BODY_BYTES = 20 * 1024;
export const MSG_TYPES = ['text', 'post', 'interactive', 'share_chat', 'image'] as const;

export type ParsedBody =
  | { ok: true; body: Record<string, unknown> }
  /** `body` is the parsed JSON when it parsed but has the wrong shape, else null. */
  | { ok: false; body: unknown; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a parsed JSON value is not a valid webhook message, or null when it is. */
export function shapeError(body: unknown): string | null {
  if (!isObject(body)) return 'body is not a JSON object';
  const msgType = body['msg_type'];
  if (typeof msgType !== 'string' || !(MSG_TYPES as readonly string[]).includes(msgType)) {
    return 'msg_type missing or unknown';
  }
  const content = body['content'];
  switch (msgType) {
    case 'interactive':
      return isObject(body['card']) ? null : 'interactive needs a top-level card object';
    case 'text':
      return isObject(content) && typeof content['text'] === 'string' ? null : 'text needs content.text';
    case 'post':
      return isObject(content) && isObject(content['post']) ? null : 'post needs content.post';
    case 'share_chat':
      return isObject(content) && typeof content['share_chat_id'] === 'string'
        ? null
        : 'share_chat needs content.share_chat_id';
    default:
      return isObject(content) && typeof content['image_key'] === 'string' ? null : 'image needs content.image_key';
  }
}

/** Parses raw bytes (already known to be within the size limit) into a webhook message. */
export function parseBody(raw: Buffer): ParsedBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, body: null, reason: 'body is not JSON' };
  }
  const reason = shapeError(parsed);
  return reason === null ? { ok: true, body: parsed as Record<string, unknown> } : { ok: false, body: parsed, reason };
}
