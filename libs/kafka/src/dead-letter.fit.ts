import type { DeadLetterEvent } from '@alertlark/contracts';
import { MAX_MESSAGE_BYTES, RECORD_OVERHEAD_BYTES } from './message-size';

/**
 * A dead-letter entry that the topic takes under the message key `key`: the entry itself when it
 * fits; otherwise the same entry with the value cut to the longest start that fits and the reason
 * saying so. The cause, the source topic, partition, offset and key stay whole. A cut value no
 * longer parses, so the replay tool skips the entry; it still tells what failed and where.
 * Null when even an empty value leaves no room (a reason or key as large as a message): the
 * caller records that and moves on, since no retry can write it.
 */
export function fitDeadLetter(key: string, entry: DeadLetterEvent, maxBytes: number = MAX_MESSAGE_BYTES): DeadLetterEvent | null {
  const room = maxBytes - RECORD_OVERHEAD_BYTES - Buffer.byteLength(key, 'utf8');
  if (jsonBytes(entry) <= room) return entry;
  if (entry.value === null) return null;
  const emptied: DeadLetterEvent = {
    ...entry,
    value: '',
    reason: `${entry.reason} [value truncated to fit in one Kafka message; it was ${Buffer.byteLength(entry.value, 'utf8')} bytes]`,
  };
  const spare = room - jsonBytes(emptied);
  return spare < 0 ? null : { ...emptied, value: jsonStringPrefix(entry.value, spare) };
}

/**
 * The longest start of `text` whose characters take at most `maxBytes` inside a JSON string:
 * escaped as JSON.stringify escapes them, then UTF-8. A surrogate pair is never split.
 */
export function jsonStringPrefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    const pair = isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(end + 1));
    const cost = pair ? 4 : escapedBytes(code);
    if (bytes + cost > maxBytes) break;
    bytes += cost;
    end += pair ? 2 : 1;
  }
  return text.slice(0, end);
}

/** \b \t \n \f \r: the control characters JSON writes in two characters rather than \u00XX. */
const SHORT_ESCAPES = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

/** Bytes of one UTF-16 unit (not half of a pair) in a JSON string, as UTF-8. */
function escapedBytes(code: number): number {
  if (code === 0x22 || code === 0x5c) return 2;
  if (code < 0x20) return SHORT_ESCAPES.has(code) ? 2 : 6;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  // A lone surrogate: JSON.stringify writes it as \udXXX.
  if (isHighSurrogate(code) || isLowSurrogate(code)) return 6;
  return 3;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
