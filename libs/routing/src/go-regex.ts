/**
 * Alertmanager compiles regex matchers with Go's RE2 engine. JavaScript's engine differs in
 * ways that would silently change what a matcher matches (`(?i)`, `\s`, `.` vs `\r`, POSIX
 * classes, lone braces) or accept what RE2 rejects (look-arounds, back-references). This
 * rewrites an RE2 pattern into an equivalent `u`-mode JavaScript pattern, or throws.
 */
export class RegexSyntaxError extends Error {
  override readonly name = 'RegexSyntaxError';
}

const SPACE = '\\t\\n\\f\\r ';
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const MAX_REPEAT = 1000;

interface Scope {
  dotAll: boolean;
  /** Modifier groups opened by `(?flags)` in this group, closed again at `|` and `)`. */
  mods: string[];
}

/** Rewrites a Go RE2 pattern to a JavaScript one for `new RegExp(result, 'u')`. */
export function translateGoRegex(pattern: string): string {
  const cs = Array.from(pattern);
  const stack: Scope[] = [{ dotAll: false, mods: [] }];
  let out = '';
  let i = 0;
  const fail = (message: string): never => {
    throw new RegexSyntaxError(message);
  };
  const top = (): Scope => stack[stack.length - 1] as Scope;
  const closeMods = (scope: Scope): string => ')'.repeat(scope.mods.length);

  while (i < cs.length) {
    const c = cs[i] as string;
    if (c === '\\') {
      const [js, next] = translateEscape(cs, i, false);
      out += js;
      i = next;
    } else if (c === '[') {
      const [js, next] = translateClass(cs, i);
      out += js;
      i = next;
    } else if (c === '(') {
      const [js, next] = openGroup(cs, i, stack);
      out += js;
      i = next;
    } else if (c === ')') {
      if (stack.length === 1) fail('unexpected ): unbalanced parenthesis');
      out += closeMods(stack.pop() as Scope) + ')';
      i++;
    } else if (c === '|') {
      const scope = top();
      out += closeMods(scope) + '|' + scope.mods.join('');
      i++;
    } else if (c === '.') {
      out += top().dotAll ? '[^]' : '[^\\n]';
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(cs.slice(i, i + 24).join(''));
      if (m) {
        if (Number(m[1]) > MAX_REPEAT || Number(m[3] || 0) > MAX_REPEAT) fail(`invalid repeat count: ${m[0]}`);
        if (m[3] && Number(m[3]) < Number(m[1])) fail(`invalid repeat count: ${m[0]}`);
        out += m[0];
        i += m[0].length;
      } else {
        out += '\\{';
        i++;
      }
    } else if (c === '}' || c === ']') {
      out += '\\' + c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (stack.length > 1) fail('missing closing ): unbalanced parenthesis');
  return out + closeMods(top());
}

function openGroup(cs: string[], i: number, stack: Scope[]): [string, number] {
  const parent = stack[stack.length - 1] as Scope;
  const rest = cs.slice(i, i + 40).join('');
  const push = (dotAll: boolean) => stack.push({ dotAll, mods: [] });
  if (!rest.startsWith('(?')) {
    push(parent.dotAll);
    return ['(', i + 1];
  }
  const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
  if (named) {
    push(parent.dotAll);
    return [`(?<${named[1]}>`, i + named[0].length];
  }
  const flags = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
  if (!flags || (flags[1] === '' && flags[2] === undefined && flags[3] === ')')) {
    if (/^\(\?(=|!|<=|<!)/.test(rest)) throw new RegexSyntaxError('look-around assertions are not supported by RE2');
    throw new RegexSyntaxError(`invalid or unsupported Perl syntax: ${rest.slice(0, 4)}`);
  }
  const on = flags[1] ?? '';
  const off = flags[2] ?? '';
  if (flags[2] === '' || /U/.test(on + off)) {
    throw new RegexSyntaxError(`invalid or unsupported flags: ${flags[0]}`);
  }
  const jsOn = on.replace(/[sU]/g, '');
  const jsOff = off.replace(/[sU]/g, '');
  const mod = jsOn || jsOff ? `(?${jsOn}${jsOff ? '-' + jsOff : ''}:` : '';
  const dotAll = on.includes('s') ? true : off.includes('s') ? false : parent.dotAll;
  const next = i + flags[0].length;
  if (flags[3] === ':') {
    push(dotAll);
    return [mod || '(?:', next];
  }
  // `(?flags)` changes the flags up to the end of the enclosing group.
  parent.dotAll = dotAll;
  if (mod) parent.mods.push(mod);
  return [mod, next];
}

function translateClass(cs: string[], start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (cs[i] === '^') {
    out += '^';
    i++;
  }
  if (cs[i] === ']') {
    out += '\\]';
    i++;
  }
  while (i < cs.length && cs[i] !== ']') {
    const c = cs[i] as string;
    const posix = c === '[' ? /^\[:(\^?)([a-z]+):\]/.exec(cs.slice(i, i + 12).join('')) : null;
    if (posix) {
      const body = POSIX[posix[2] as string];
      if (!body || posix[1]) throw new RegexSyntaxError(`unsupported character class: ${posix[0]}`);
      out += body;
      i += posix[0].length;
    } else if (c === '\\') {
      const [js, next] = translateEscape(cs, i, true);
      out += js;
      i = next;
    } else {
      out += c === '[' ? '\\[' : c;
      i++;
    }
  }
  if (i >= cs.length) throw new RegexSyntaxError('missing closing ]: unterminated character class');
  return [out + ']', i + 1];
}

function translateEscape(cs: string[], i: number, inClass: boolean): [string, number] {
  const c = cs[i + 1];
  if (c === undefined) throw new RegexSyntaxError('trailing backslash at end of expression');
  const after = cs.slice(i + 2, i + 14).join('');
  if ('dDwW'.includes(c) || (!inClass && 'bB'.includes(c)) || 'ftnrv'.includes(c)) return ['\\' + c, i + 2];
  if (c === 's') return [inClass ? SPACE : `[${SPACE}]`, i + 2];
  if (c === 'S') return [inClass ? '\\S' : `[^${SPACE}]`, i + 2];
  if (c === 'a') return ['\\x07', i + 2];
  if (!inClass && c === 'A') return ['(?<![^])', i + 2];
  if (!inClass && c === 'z') return ['(?![^])', i + 2];
  if (c === 'p' || c === 'P') {
    const m = /^(\{\^?[A-Za-z_]+\}|[A-Za-z])/.exec(after);
    if (!m) throw new RegexSyntaxError(`invalid character class range: \\${c}${after.slice(0, 3)}`);
    let name = (m[1] as string).replace(/[{}]/g, '');
    let neg = c === 'P';
    if (name.startsWith('^')) [name, neg] = [name.slice(1), !neg];
    const prop = name === 'Any' ? 'Any' : name.length <= 2 ? name : `Script=${name}`;
    return [`\\${neg ? 'P' : 'p'}{${prop}}`, i + 2 + (m[1] as string).length];
  }
  if (c === 'x') {
    const m = /^(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(after);
    if (!m || parseInt(m[1] ?? (m[2] as string), 16) > 0x10ffff) throw new RegexSyntaxError('invalid escape sequence: \\x');
    return [`\\u{${m[1] ?? m[2]}}`, i + 2 + m[0].length];
  }
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{0,2}/.exec(after) as RegExpExecArray;
    if (c !== '0' && m[0] === '') throw new RegexSyntaxError(`invalid escape sequence: \\${c} (back-references are not supported)`);
    return [`\\u{${parseInt(c + m[0], 8).toString(16)}}`, i + 2 + m[0].length];
  }
  if (!inClass && c === 'Q') {
    let j = i + 2;
    while (j < cs.length && !(cs[j] === '\\' && cs[j + 1] === 'E')) j++;
    const literal = cs.slice(i + 2, j).map((l) => (JS_SYNTAX.has(l) ? '\\' + l : l));
    return [literal.join(''), Math.min(j + 2, cs.length)];
  }
  if (/^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/.test(c)) {
    if (JS_SYNTAX.has(c) || (inClass && c === '-')) return ['\\' + c, i + 2];
    return [c, i + 2];
  }
  throw new RegexSyntaxError(`invalid escape sequence: \\${c}`);
}

/** Compiles a matcher regex the way Alertmanager does: anchored as `^(?:re)$`. */
export function compileAnchoredRegex(pattern: string): RegExp {
  const source = translateGoRegex(pattern);
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const reason = text.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new RegexSyntaxError(reason.charAt(0).toLowerCase() + reason.slice(1));
  }
}
