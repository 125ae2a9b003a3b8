/**
 * Masks what must never reach a log line: bot tokens in webhook URLs, bearer tokens, our own
 * tokens, and sealed secrets.
 */
export function redact(text: string): string {
  return text
    .replace(/(\/open-apis\/bot\/v2\/hook\/)([A-Za-z0-9-]+)/g, (_m, prefix: string, token: string) => `${prefix}****${token.slice(-4)}`)
    .replace(/(Bearer\s+)[^\s"',]+/gi, '$1****')
    .replace(/alk_(api|ingest)_[A-Za-z0-9_-]+/g, 'alk_$1_****')
    .replace(/\bv1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*/g, '<sealed>');
}
