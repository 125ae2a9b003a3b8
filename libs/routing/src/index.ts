export * from './matcher';
export { RegexSyntaxError, compileAnchoredRegex, translateGoRegex } from './go-regex';
export * from './rule-matchers';
export * from './duration';
export * from './fingerprint';
export * from './group-key';
export * from './policy-match';
export * from './intake';
