import { deadLetterEventSchema, type DeadLetterEvent } from '@alertlark/contracts';
import { fitDeadLetter, jsonStringPrefix } from './dead-letter.fit';
import { MAX_MESSAGE_BYTES, RECORD_OVERHEAD_BYTES } from './message-size';

const entry = (value: string | null, reason = 'delivery deadline of 120000 ms passed; Lark kept failing'): DeadLetterEvent => ({
  sourceTopic: 'alertlark.notifications.v1',
  partition: 4,
  offset: '123456',
  key: 'nobj_1',
  value,
  reason,
  consumer: 'lark-sender',
  at: '2026-11-25T10:00:00.000Z',
});
const key = 'alertlark.notifications.v1/4/123456';
/** What the publisher measures: the key, the entry as JSON in UTF-8, and the record's overhead. */
const messageBytes = (value: DeadLetterEvent) => Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(value)) + RECORD_OVERHEAD_BYTES;

describe('fitDeadLetter', () => {
  it('returns an entry that fits as it is', () => {
    const small = entry(JSON.stringify({ notificationId: 'n1', alerts: [] }));
    expect(fitDeadLetter(key, small)).toBe(small);
  });

  it('cuts the value of one that does not to the longest start that fits, keeps the rest whole and says so in the reason', () => {
    // A notification as the escaped JSON string a dead letter carries: every quote costs two bytes.
    const notification = JSON.stringify({ notificationId: 'n1', alerts: Array.from({ length: 200 }, (_, n) => ({ fingerprint: `fp${n}`, annotations: [{ name: 'description', value: 'é'.repeat(12_000) }] })) });
    const maxBytes = 1_000_000;
    const fitted = fitDeadLetter(key, entry(notification), maxBytes)!;
    expect(messageBytes(fitted)).toBeLessThanOrEqual(maxBytes);
    expect(notification.startsWith(fitted.value!)).toBe(true);
    expect(messageBytes({ ...fitted, value: notification.slice(0, fitted.value!.length + 1) })).toBeGreaterThan(maxBytes);
    expect(fitted).toEqual({ ...entry(fitted.value), reason: `delivery deadline of 120000 ms passed; Lark kept failing [value truncated to fit in one Kafka message; it was ${Buffer.byteLength(notification)} bytes]` });
    expect(deadLetterEventSchema.parse(fitted)).toEqual(fitted);
  });

  it('fits under MAX_MESSAGE_BYTES by default', () => {
    const fitted = fitDeadLetter(key, entry('"'.repeat(MAX_MESSAGE_BYTES)))!;
    expect(messageBytes(fitted)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(fitted.value!.length).toBeGreaterThan(MAX_MESSAGE_BYTES / 2 - 1_000);
  });

  it('gives up (null) when even an empty value leaves no room, or the value is not what is too large', () => {
    expect(fitDeadLetter(key, entry('x'.repeat(5_000), 'r'.repeat(2_000)), 2_000)).toBeNull();
    expect(fitDeadLetter(key, entry(null, 'r'.repeat(2_000)), 2_000)).toBeNull();
  });
});

describe('jsonStringPrefix', () => {
  const inJson = (text: string) => Buffer.byteLength(JSON.stringify(text)) - 2;

  it('counts characters as JSON.stringify escapes them, in UTF-8', () => {
    expect(jsonStringPrefix('ab"c', 3)).toBe('ab');
    expect(jsonStringPrefix('ab"c', 4)).toBe('ab"');
    expect(jsonStringPrefix('a\nb', 3)).toBe('a\n');
    expect(jsonStringPrefix('a\u0001b', 6)).toBe('a');
    expect(jsonStringPrefix('a\u0001b', 7)).toBe('a\u0001');
    expect(jsonStringPrefix('éé', 3)).toBe('é');
    expect(jsonStringPrefix('中文', 5)).toBe('中');
  });

  it('never splits a surrogate pair, and counts a lone surrogate as its escape', () => {
    expect(jsonStringPrefix('a😀b', 4)).toBe('a');
    expect(jsonStringPrefix('a😀b', 5)).toBe('a😀');
    expect(jsonStringPrefix('a\ud800b', 6)).toBe('a');
    expect(jsonStringPrefix('a\ud800b', 7)).toBe('a\ud800');
  });

  it('takes the longest start within the budget, for any text', () => {
    const alphabet = ['a', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '中', '\u2028', '😀', '\ud800', '\udc00'];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 500; run++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const budget = Math.floor(random() * 80);
      const prefix = jsonStringPrefix(text, budget);
      expect(text.startsWith(prefix)).toBe(true);
      expect(inJson(prefix)).toBeLessThanOrEqual(budget);
      if (prefix.length < text.length) {
        const next = text.codePointAt(prefix.length)! > 0xffff ? 2 : 1;
        expect(inJson(text.slice(0, prefix.length + next))).toBeGreaterThan(budget);
      }
    }
  });
});
