/**
 * What a person in the chat saw, read off the cards the Lark emulator accepted: per alert group,
 * the largest `[FIRING:n]` any card showed for it (an alert card's title, or a line of a digest
 * card, where lark_md escapes the brackets), and when it first showed that; and how many requests
 * a webhook took in its busiest second and minute. Used by the storm tests and `bench:storm`.
 */

/** One request as the Lark emulator logs it (`GET /_emulator/messages`): the fields read here. */
export interface ChatMessage {
  accepted: boolean;
  receivedAt?: string;
  body?: unknown;
}

export interface ShownCount {
  /** The largest firing count shown for the group. */
  firing: number;
  /** When a card first showed that count (ms). */
  at: number;
}

/** `[FIRING:n] subject…` or `&#91;FIRING:n&#93; subject…`: the subject's first word names the group. */
const GROUP_TAG = /(?:\[|&#91;)FIRING:(\d+)(?:\]|&#93;)\s+\**([^\s*·]+)/g;

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, out);
}

/** The firing counts one card shows, per group (the first word of the subject: its alertname when grouped by it). */
export function cardGroupCounts(body: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  if (body === null || typeof body !== 'object' || !('card' in body)) return counts;
  const strings: string[] = [];
  collectStrings((body as { card: unknown }).card, strings);
  for (const text of strings) {
    for (const match of text.matchAll(GROUP_TAG)) {
      const group = match[2]!;
      counts.set(group, Math.max(counts.get(group) ?? 0, Number(match[1])));
    }
  }
  return counts;
}

/** Per group, the largest firing count accepted cards showed by `until` (ms), and when it was first shown. */
export function shownGroupCounts(messages: readonly ChatMessage[], until = Number.POSITIVE_INFINITY): Map<string, ShownCount> {
  const shown = new Map<string, ShownCount>();
  const accepted = messages
    .filter((message) => message.accepted && message.receivedAt !== undefined)
    .map((message) => ({ at: Date.parse(message.receivedAt!), body: message.body }))
    .filter((message) => Number.isFinite(message.at) && message.at <= until)
    .sort((a, b) => a.at - b.at);
  for (const { at, body } of accepted) {
    for (const [group, firing] of cardGroupCounts(body)) {
      const before = shown.get(group);
      if (!before || firing > before.firing) shown.set(group, { firing, at });
    }
  }
  return shown;
}

/** The most requests (accepted or not: Lark counts every one) inside any window of `windowMs`. */
export function busiestWindow(messages: readonly ChatMessage[], windowMs: number): number {
  const times = messages
    .map((message) => (message.receivedAt === undefined ? Number.NaN : Date.parse(message.receivedAt)))
    .filter((at) => Number.isFinite(at))
    .sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
