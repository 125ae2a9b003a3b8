/**
 * Placeholders of title templates and custom card templates (libs/lark/README.md): `{{name}}`,
 * spaces inside the braces allowed. A value is escaped for where it lands: as is in plain text,
 * through escapeLarkMd in lark_md/markdown content, percent-encoded in a link target. Templates
 * are JSON and placeholders are filled into string values after parsing, so no value can change
 * the JSON structure. There is no escape for a literal `{{x}}`: every `{{...}}` is a placeholder.
 */
import { labelValue as value, type LabelPair, type NotifiedAlert } from '@alertlark/contracts';
import type { CardStrings } from './card.i18n';
import { actionUrlOf, type CardActionButton } from './card.incident';
import type { LarkHeaderTemplate } from './card.types';
import { escapeLarkMd, oneLine, safeLinkUrl, truncateText } from './card.text';
import type { TextLimits } from './card.fit';

export const SIMPLE_PLACEHOLDERS = [
  'alertname',
  'status',
  'count',
  'firingCount',
  'resolvedCount',
  'severity',
  'groupLabels',
  'title',
  'color',
  'objectName',
  'keywords',
  'consoleUrl',
  'mentions',
  'alerts',
  'incidentState',
  'claimUrl',
  'resolveUrl',
  'silence1hUrl',
  'silence4hUrl',
  'silence24hUrl',
] as const;
export type SimplePlaceholder = (typeof SIMPLE_PLACEHOLDERS)[number];

export type Placeholder =
  | { kind: 'simple'; name: SimplePlaceholder }
  /** `labels.<name>`: the group's value of the label, or the value every alert shares. */
  | { kind: 'label'; name: string }
  /** `annotations.<name>`: the annotation of the first alert on the card. */
  | { kind: 'annotation'; name: string };

/** Where a value lands, which decides its escaping. */
export type TextContext = 'plain' | 'md' | 'url';

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const SIMPLE = new Set<string>(SIMPLE_PLACEHOLDERS);

export const PLACEHOLDER_LIST = [...SIMPLE_PLACEHOLDERS, 'labels.<name>', 'annotations.<name>'].map((name) => `{{${name}}}`).join(', ');

export function parsePlaceholder(expression: string): Placeholder | undefined {
  const expr = expression.trim();
  if (SIMPLE.has(expr)) return { kind: 'simple', name: expr as SimplePlaceholder };
  const field = /^(labels|annotations)\.(.+)$/s.exec(expr);
  if (field?.[2] && field[2].trim() !== '') return { kind: field[1] === 'labels' ? 'label' : 'annotation', name: field[2].trim() };
  return undefined;
}

export interface PlaceholderUse {
  /** As written, braces included. */
  raw: string;
  /** Undefined when the name is not a placeholder Alertlark knows. */
  placeholder: Placeholder | undefined;
}

export function placeholdersIn(text: string): PlaceholderUse[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => ({ raw: match[0], placeholder: parsePlaceholder(match[1] ?? '') }));
}

export type PlaceholderResolver = (placeholder: Placeholder, context: TextContext) => string;

/** Replaces every known placeholder of `text`; unknown ones stay as written. */
export function fillPlaceholders(text: string, context: TextContext, resolve: PlaceholderResolver): string {
  return text.replace(PLACEHOLDER, (raw, expression: string) => {
    const placeholder = parsePlaceholder(expression);
    return placeholder ? resolve(placeholder, context) : raw;
  });
}

/** The value all alerts share for a label, or undefined when they differ or lack it. */
export function commonLabelValue(alerts: readonly NotifiedAlert[], name: string): string | undefined {
  const first = value(alerts[0]?.labels ?? [], name);
  return first !== undefined && alerts.every((alert) => value(alert.labels, name) === first) ? first : undefined;
}

/** What placeholders are filled from: the card model's facts (see card.model.ts). */
export interface PlaceholderFacts {
  strings: CardStrings;
  status: 'firing' | 'resolved';
  /** In card order: firing first, most severe first. */
  alerts: readonly NotifiedAlert[];
  totals: { firing: number; resolved: number };
  alertname: string | undefined;
  severity: string | undefined;
  groupLabels: readonly LabelPair[];
  template: LarkHeaderTemplate;
  keywords: readonly string[];
  objectName: string;
  consoleUrl: string | undefined;
  mentions: readonly string[];
  /** The incident's state line, plain text. */
  incidentState?: string | undefined;
  /** The card's action buttons (`{{claimUrl}}`…). */
  actions?: readonly CardActionButton[];
}

export interface ResolverExtras {
  /** `{{title}}`: the card's title (in a title template: the default title). */
  title: string;
  /** `{{alerts}}` inside a text: the alert blocks as lark_md; absent where alerts cannot go. */
  alertsText?: string;
}

const ACTION_PLACEHOLDERS = {
  claimUrl: ['claim', undefined],
  resolveUrl: ['resolve', undefined],
  silence1hUrl: ['silence', 1],
  silence4hUrl: ['silence', 4],
  silence24hUrl: ['silence', 24],
} as const;

/** A URL that stays one link target inside lark_md, and inert as text. */
function mdSafeUrl(url: string): string {
  return url.replace(/[*~[\]`\\<>]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Resolves placeholders from the facts of one card, cutting values to `limits`. */
export function factsResolver(facts: PlaceholderFacts, limits: TextLimits, extras: ResolverExtras): PlaceholderResolver {
  const s = facts.strings;
  const short = (text: string) => truncateText(oneLine(text), limits.labelChars);
  const data = (text: string, context: TextContext) =>
    context === 'md' ? escapeLarkMd(text) : context === 'url' ? encodeURIComponent(text) : text;
  return (placeholder, context) => {
    if (placeholder.kind === 'label') {
      const found = value(facts.groupLabels, placeholder.name) ?? commonLabelValue(facts.alerts, placeholder.name);
      return data(short(found ?? ''), context);
    }
    if (placeholder.kind === 'annotation') {
      const text = value(facts.alerts[0]?.annotations ?? [], placeholder.name) ?? '';
      return data(truncateText(text.trim(), limits.annotationChars), context);
    }
    switch (placeholder.name) {
      case 'alertname':
        return data(short(facts.alertname ?? ''), context);
      case 'status':
        return data(facts.status === 'firing' ? s.firing : s.resolved, context);
      case 'count':
        return String(facts.totals.firing + facts.totals.resolved);
      case 'firingCount':
        return String(facts.totals.firing);
      case 'resolvedCount':
        return String(facts.totals.resolved);
      case 'severity':
        return data(short(facts.severity ?? ''), context);
      case 'groupLabels':
        return facts.groupLabels.map((pair) => `${data(short(pair.name), context)}=${data(short(pair.value), context)}`).join(' · ');
      case 'title':
        return data(extras.title, context);
      case 'color':
        return facts.template;
      case 'objectName':
        return data(short(facts.objectName), context);
      case 'keywords':
        return data(facts.keywords.join(', '), context);
      case 'consoleUrl': {
        const url = safeLinkUrl(facts.consoleUrl) ?? '';
        return context === 'md' ? mdSafeUrl(url) : url;
      }
      case 'mentions':
        return context === 'md' ? facts.mentions.map((id) => `<at id=${id}></at>`).join(' ') : '';
      case 'alerts':
        return context === 'url' ? '' : (extras.alertsText ?? '');
      case 'incidentState':
        return data(facts.incidentState ?? '', context);
      case 'claimUrl':
      case 'resolveUrl':
      case 'silence1hUrl':
      case 'silence4hUrl':
      case 'silence24hUrl': {
        const [action, hours] = ACTION_PLACEHOLDERS[placeholder.name];
        const url = safeLinkUrl(actionUrlOf(facts.actions ?? [], action, hours, facts.consoleUrl)) ?? '';
        return context === 'md' ? mdSafeUrl(url) : url;
      }
    }
  };
}
