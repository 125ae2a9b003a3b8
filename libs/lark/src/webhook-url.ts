/**
 * Webhook URLs are user input that the sender will POST to, so they are checked before they are
 * stored: only Lark's two webhook hosts over https, or a host:port the operator allowlisted (the
 * emulator, a proxy; plain http allowed there). Everything else is refused with a reason.
 */
import { isIP } from 'node:net';

export const LARK_WEBHOOK_HOSTS: readonly string[] = ['open.feishu.cn', 'open.larksuite.com'];
const HOOK_PATH = /^\/open-apis\/bot\/v2\/hook\/([A-Za-z0-9-]{1,128})$/;
const MAX_URL_CHARS = 2048;
/** Never reachable, even when allowlisted: cloud instance metadata services. */
const METADATA_HOSTS = new Set(['169.254.169.254', '[fd00:ec2::254]', 'metadata.google.internal', 'metadata']);

export type ParsedWebhookUrl =
  | { ok: true; url: string; host: string; token: string }
  | { ok: false; reason: string };

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** `host` or `host:port` (IPv6 in brackets), lower-cased; a missing port is the scheme default. */
function allowEntryMatches(entry: string, hostname: string, port: string): boolean {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry.trim().toLowerCase());
  if (!match) return false;
  return match[1] === hostname && (match[2] ?? '') === port;
}

function isPrivateIPv4(host: string): boolean {
  const [a, b] = host.split('.').map(Number) as [number, number];
  return (
    a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224
  );
}

function hostProblem(hostname: string): string {
  if (METADATA_HOSTS.has(hostname)) return 'cloud metadata endpoints are never allowed';
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4 && isPrivateIPv4(bare)) return `private or reserved address ${hostname} is not allowed`;
  if (isIP(bare) === 6 && /^(::1?|f[cd]|fe[89ab]|::ffff:)/i.test(bare)) return `private or reserved address ${hostname} is not allowed`;
  if (isIP(bare) !== 0) return `IP address hosts are not allowed (${hostname}); use ${LARK_WEBHOOK_HOSTS.join(' or ')}`;
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || hostname.endsWith('.internal') || hostname.endsWith('.local')) {
    return `private host ${hostname} is not allowed`;
  }
  return `host ${hostname} is not a Lark webhook host (${LARK_WEBHOOK_HOSTS.join(', ')})`;
}

export function parseLarkWebhookUrl(raw: string, allowHosts: readonly string[] = []): ParsedWebhookUrl {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'webhook URL is empty' };
  if (raw.length > MAX_URL_CHARS) return { ok: false, reason: `webhook URL is longer than ${MAX_URL_CHARS} characters` };
  if (/[\s\u0000-\u001f\u007f]/.test(raw)) return { ok: false, reason: 'webhook URL contains whitespace or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'webhook URL is not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} is not allowed` };
  const authority = /^[a-z][a-z0-9+.-]*:[/\\]*([^/?#\\]*)/i.exec(raw)?.[1] ?? '';
  if (url.username !== '' || url.password !== '' || authority.includes('@')) {
    return { ok: false, reason: 'credentials (user info) in the URL are not allowed' };
  }
  const hostname = url.hostname;
  if (METADATA_HOSTS.has(hostname)) return { ok: false, reason: hostProblem(hostname) };
  const allowlisted = allowHosts.some((entry) => allowEntryMatches(entry, hostname, url.port));
  if (!allowlisted) {
    if (!LARK_WEBHOOK_HOSTS.includes(hostname)) return { ok: false, reason: hostProblem(hostname) };
    if (url.protocol !== 'https:') return { ok: false, reason: 'Lark webhooks must use https' };
    if (url.port !== '' && url.port !== defaultPort(url.protocol)) return { ok: false, reason: `port ${url.port} is not allowed` };
  }
  if (url.search !== '' || url.hash !== '') return { ok: false, reason: 'webhook URL must not carry a query or fragment' };
  const path = HOOK_PATH.exec(url.pathname);
  if (!path) return { ok: false, reason: 'path must be /open-apis/bot/v2/hook/<token> (token of letters, digits and dashes)' };
  return { ok: true, url: url.href, host: url.host, token: path[1]! };
}

export type ParsedAppBaseUrl = { ok: true; baseUrl: string; host: string } | { ok: false; reason: string };

/**
 * An app bot's API host: `open.feishu.cn` or `open.larksuite.com` (over https), or the base URL of
 * a host:port the operator allowlisted (the emulator, a proxy), checked as webhook hosts are.
 */
export function parseLarkAppBaseUrl(raw: string, allowHosts: readonly string[] = []): ParsedAppBaseUrl {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (LARK_WEBHOOK_HOSTS.includes(text.toLowerCase())) return { ok: true, baseUrl: `https://${text.toLowerCase()}`, host: text.toLowerCase() };
  // The same checks as a webhook URL's, on the base URL with a stand-in hook path.
  const parsed = /^https?:\/\/[^/?#]+\/?$/i.test(text) ? parseLarkWebhookUrl(`${text.replace(/\/$/, '')}/open-apis/bot/v2/hook/x`, allowHosts) : undefined;
  if (!parsed) return { ok: false, reason: `host must be ${LARK_WEBHOOK_HOSTS.join(' or ')}, or the base URL (scheme://host[:port]) of an allowlisted host` };
  if (!parsed.ok) return { ok: false, reason: parsed.reason.replace(/^webhook URL/, 'host') };
  const url = new URL(parsed.url);
  return { ok: true, baseUrl: `${url.protocol}//${url.host}`, host: url.host };
}

function maskToken(token: string): string {
  return token.length > 8 ? `****${token.slice(-4)}` : '****';
}

/** The URL with its token reduced to `****` + its last 4 characters, for logs and API answers. */
export function maskWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '****';
  }
  const segments = url.pathname.split('/');
  const last = segments.length - 1;
  if (segments[last]) segments[last] = maskToken(segments[last]!);
  const query = url.search ? '?****' : '';
  return `${url.protocol}//${url.host}${segments.join('/')}${query}`;
}

/** A signing secret as shown anywhere: a fixed mask when set (nothing of it leaks), '' when not. */
export function maskSecret(secret: string | undefined | null): string {
  return secret ? '********' : '';
}
