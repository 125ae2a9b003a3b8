/**
 * An object's own card: a whole Lark card (v1, or v2 with `"schema":"2.0"`) as JSON with
 * placeholders (card.placeholders.ts), given as text or as an object, bare or wrapped as
 * `{"msg_type":"interactive","card":{...}}`. The string `"{{alerts}}"` as an item of the card's
 * elements list becomes one element per alert (and "+N more"). Whatever the template says, a
 * rendered card @mentions on firing cards only, always shows the keywords, and shows the
 * incident's state (who claimed, resolved or silenced it) when there is one: what it lacks of
 * these is appended to its elements. Its action buttons are its own (`{{claimUrl}}`…).
 */
import { LARK_HEADER_TEMPLATES } from '@alertlark/contracts';
import { alertBlock, footerText, moreLine } from './card.blocks';
import type { TextLimits } from './card.fit';
import { LINK_KEYS, missingKeywords } from './card.inspect';
import { escapeLarkMd } from './card.text';
import { groupSize, type CardModel } from './card.model';
import { factsResolver, fillPlaceholders, placeholdersIn, PLACEHOLDER_LIST, type PlaceholderResolver, type TextContext } from './card.placeholders';
import type { LarkTemplateCardMessage } from './card.types';

export type CardVersion = 'v1' | 'v2';
type JsonObject = { [key: string]: unknown };

export interface CardTemplate {
  version: CardVersion;
  card: JsonObject;
  /** Whether `{{alerts}}` appears: without it the card lists no alert. */
  usesAlerts: boolean;
  usesMentions: boolean;
  /** Whether `{{incidentState}}` appears: without it, the state line is appended when there is one. */
  usesIncidentState: boolean;
}

/** One problem of a template; `path` is dotted from the card (`header.title.content`), '' for all of it. */
export interface TemplateIssue {
  path: string;
  message: string;
}

export type TemplateParse = { ok: true; template: CardTemplate } | { ok: false; issues: TemplateIssue[] };

const ALERTS_ITEM = /^\{\{\s*alerts\s*\}\}$/;
const COLOR_ONLY = /^\{\{\s*color\s*\}\}$/;
const MD_TAGS = new Set(['lark_md', 'markdown']);
const KEYS: Record<CardVersion, ReadonlySet<string>> = {
  v1: new Set(['config', 'header', 'elements', 'card_link']),
  v2: new Set(['schema', 'config', 'card_link', 'header', 'body']),
};
const NOT_IN_V2: Record<string, string> = {
  note: 'v2 cards have no note element: use a div or markdown element',
  action: 'v2 cards have no action element: put buttons directly in elements',
};
const COLORS: ReadonlySet<string> = new Set(LARK_HEADER_TEMPLATES);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const join = (...parts: Array<string | number>) => parts.filter((part) => part !== '').join('.');

/** The card's top-level elements list: `elements` (v1) or `body.elements` (v2). */
export function topElements(version: CardVersion, card: JsonObject): unknown {
  return version === 'v1' ? card['elements'] : isObject(card['body']) ? card['body']['elements'] : undefined;
}

/**
 * Problems of a card's shape. With `template`, `"{{alerts}}"` items and a `{{color}}` header
 * colour are allowed; without, this checks a rendered card.
 */
export function cardShapeIssues(card: JsonObject, template: boolean): { version: CardVersion; issues: TemplateIssue[] } {
  const issues: TemplateIssue[] = [];
  const version: CardVersion = 'schema' in card ? 'v2' : 'v1';
  if (version === 'v2' && card['schema'] !== '2.0') issues.push({ path: 'schema', message: 'must be "2.0" (a v2 card), or left out for a v1 card' });
  for (const key of Object.keys(card)) {
    if (!KEYS[version].has(key)) issues.push({ path: key, message: `is not an attribute of a ${version} card (allowed: ${[...KEYS[version]].join(', ')})` });
  }
  const header = card['header'];
  if (header !== undefined) {
    const title = isObject(header) ? header['title'] : undefined;
    if (!isObject(header)) issues.push({ path: 'header', message: 'must be an object' });
    else if (!isObject(title) || (title['tag'] !== 'plain_text' && title['tag'] !== 'lark_md') || typeof title['content'] !== 'string') {
      issues.push({ path: 'header.title', message: 'must be {"tag":"plain_text","content":"..."}' });
    }
    const color = isObject(header) ? header['template'] : undefined;
    if (color !== undefined && !(typeof color === 'string' && (COLORS.has(color) || (template && COLOR_ONLY.test(color))))) {
      issues.push({ path: 'header.template', message: `must be one of ${LARK_HEADER_TEMPLATES.join(', ')}${template ? ' or {{color}}' : ''}` });
    }
  }
  const elementsPath = version === 'v1' ? 'elements' : 'body.elements';
  const elements = topElements(version, card);
  if (!Array.isArray(elements)) {
    issues.push({ path: elementsPath, message: 'a card needs an elements list (the alerts, mentions and keywords go there)' });
    return { version, issues };
  }
  elements.forEach((element, index) => {
    const path = join(elementsPath, index);
    if (typeof element === 'string' && template && ALERTS_ITEM.test(element)) return;
    if (!isObject(element) || typeof element['tag'] !== 'string' || element['tag'] === '') {
      issues.push({ path, message: `must be an element object with a tag${template ? ', or the string "{{alerts}}"' : ''}` });
    } else if (version === 'v2' && NOT_IN_V2[element['tag']]) {
      issues.push({ path, message: NOT_IN_V2[element['tag']]! });
    }
  });
  return { version, issues };
}

interface StringVisit {
  text: string;
  path: string;
  context: TextContext;
}

/**
 * How a string is escaped: by the nearest `tag` around it, not by its key, so every text of a
 * lark_md/markdown object is escaped as its `content` is — `i18n.<locale>` (v1) and
 * `i18n_content.<locale>` (v2) render markdown too, and a label value there could otherwise
 * @all a chat or forge a link.
 */
function contextOf(inLink: boolean, tag: unknown): TextContext {
  return inLink ? 'url' : typeof tag === 'string' && MD_TAGS.has(tag) ? 'md' : 'plain';
}

/** The tag that decides how the strings of `node` render: its own, or its parent's. */
const tagOf = (node: JsonObject, parentTag: unknown): unknown => ('tag' in node ? node['tag'] : parentTag);

/** Every string value of `node` with where it is and how placeholders in it are escaped. */
function visitStrings(node: unknown, path: string, inLink: boolean, tag: unknown, visit: (entry: StringVisit) => void, keyVisit: (key: string, path: string) => void): void {
  if (typeof node === 'string') {
    visit({ text: node, path, context: contextOf(inLink, tag) });
  } else if (Array.isArray(node)) {
    node.forEach((item, index) => visitStrings(item, join(path, index), inLink, tag, visit, keyVisit));
  } else if (isObject(node)) {
    for (const [child, value] of Object.entries(node)) {
      keyVisit(child, join(path, child));
      visitStrings(value, join(path, child), inLink || LINK_KEYS.has(child), tagOf(node, tag), visit, keyVisit);
    }
  }
}

function placeholderIssues(card: JsonObject, version: CardVersion): { issues: TemplateIssue[]; usesAlerts: boolean; usesMentions: boolean; usesIncidentState: boolean } {
  const issues: TemplateIssue[] = [];
  const elementsPath = version === 'v1' ? 'elements' : 'body.elements';
  let alerts = 0;
  let usesMentions = false;
  let usesIncidentState = false;
  visitStrings(card, '', false, undefined, ({ text, path, context }) => {
    // The tag decides the escaping of everything in its object: a value must not choose it.
    if (/\.tag$|^tag$/.test(path) && placeholdersIn(text).length > 0) issues.push({ path, message: 'placeholders are not allowed in a tag' });
    const asElement = ALERTS_ITEM.test(text) && new RegExp(`^${elementsPath.replace('.', '\\.')}\\.\\d+$`).test(path);
    for (const use of placeholdersIn(text)) {
      const name = use.placeholder?.kind === 'simple' ? use.placeholder.name : undefined;
      if (!use.placeholder) issues.push({ path, message: `unknown placeholder ${use.raw}; known: ${PLACEHOLDER_LIST}` });
      else if (name === 'alerts') {
        alerts++;
        if (!asElement && context !== 'md') issues.push({ path, message: '{{alerts}} renders lark_md: use "{{alerts}}" as an item of elements, or inside lark_md/markdown content' });
      } else if (name === 'incidentState') {
        usesIncidentState = true;
      } else if (name === 'mentions') {
        usesMentions = true;
        if (context !== 'md') issues.push({ path, message: '{{mentions}} only works inside lark_md/markdown content' });
      }
    }
  }, (key, path) => {
    if (key.includes('{{')) issues.push({ path, message: 'placeholders are only allowed in values, not in attribute names' });
    else if (key.startsWith('$') || key.includes('.')) issues.push({ path, message: 'is not a card attribute name' });
  });
  if (alerts > 1) issues.push({ path: '', message: `{{alerts}} may appear only once (found ${alerts} times)` });
  return { issues, usesAlerts: alerts > 0, usesMentions, usesIncidentState };
}

/** Parses and checks a template: JSON, card shape, placeholders. */
export function parseCardTemplate(source: string | JsonObject): TemplateParse {
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (error) {
      return { ok: false, issues: [{ path: '', message: `is not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
    }
  }
  let prefix = '';
  if (isObject(value) && 'msg_type' in value) {
    if (value['msg_type'] !== 'interactive' || !isObject(value['card']) || Object.keys(value).length !== 2) {
      return { ok: false, issues: [{ path: 'msg_type', message: 'a message template must be exactly {"msg_type":"interactive","card":{...}}' }] };
    }
    value = value['card'];
    prefix = 'card';
  }
  if (!isObject(value)) return { ok: false, issues: [{ path: prefix, message: 'must be a JSON object: a Lark card' }] };
  const shape = cardShapeIssues(value, true);
  const placeholders = placeholderIssues(value, shape.version);
  const issues = [...shape.issues, ...placeholders.issues].map((issue) => ({ ...issue, path: join(prefix, issue.path) }));
  if (issues.length > 0) return { ok: false, issues };
  const { usesAlerts, usesMentions, usesIncidentState } = placeholders;
  return { ok: true, template: { version: shape.version, card: value, usesAlerts, usesMentions, usesIncidentState } };
}

function fill(node: unknown, inLink: boolean, tag: unknown, resolve: PlaceholderResolver): unknown {
  if (typeof node === 'string') return node.includes('{{') ? fillPlaceholders(node, contextOf(inLink, tag), resolve) : node;
  if (Array.isArray(node)) return node.map((item) => fill(item, inLink, tag, resolve));
  if (!isObject(node)) return node;
  return Object.fromEntries(Object.entries(node).map(([child, value]) => [child, fill(value, inLink || LINK_KEYS.has(child), tagOf(node, tag), resolve)]));
}

function mdElement(version: CardVersion, content: string): JsonObject {
  return version === 'v1' ? { tag: 'div', text: { tag: 'lark_md', content } } : { tag: 'markdown', content };
}

function alertElements(version: CardVersion, blocks: readonly string[], more: string | undefined): JsonObject[] {
  const out: JsonObject[] = [];
  for (const block of [...blocks, ...(more ? [more] : [])]) {
    if (out.length > 0) out.push({ tag: 'hr' });
    out.push(mdElement(version, block));
  }
  return out;
}

/** Fills the template for the first `shown` alerts of the model with the given text limits. */
export function renderCardTemplate(template: CardTemplate, model: CardModel, shown: number, limits: TextLimits): LarkTemplateCardMessage {
  const omitted = groupSize(model) - shown;
  const blocks = template.usesAlerts ? model.alerts.slice(0, shown).map((alert) => alertBlock(model, alert, limits)) : [];
  const more = template.usesAlerts && omitted > 0 ? moreLine(model, omitted) : undefined;
  const resolve = factsResolver(model, limits, { title: model.title, alertsText: [...blocks, ...(more ? [more] : [])].join('\n\n') });
  const source = topElements(template.version, template.card) as unknown[];
  const frame = template.version === 'v1' ? { ...template.card, elements: [] } : { ...template.card, body: { ...(template.card['body'] as JsonObject), elements: [] } };
  const card = fill(frame, false, undefined, resolve) as JsonObject;
  const elements: unknown[] = [];
  source.forEach((item) => {
    if (typeof item === 'string' && ALERTS_ITEM.test(item)) elements.push(...alertElements(template.version, blocks, more));
    else elements.push(fill(item, false, undefined, resolve));
  });
  // Why an escalation step sent the card: a template cannot leave it out.
  if (model.escalation) elements.push(mdElement(template.version, `**${escapeLarkMd(model.escalation)}**`));
  if (model.incidentState && !template.usesIncidentState) elements.push(mdElement(template.version, `**${escapeLarkMd(model.incidentState)}**`));
  if (model.mentions.length > 0 && !template.usesMentions) {
    elements.push(mdElement(template.version, model.mentions.map((id) => `<at id=${id}></at>`).join(' ')));
  }
  if (template.version === 'v1') card['elements'] = elements;
  else card['body'] = { ...(card['body'] as JsonObject), elements };
  const message: LarkTemplateCardMessage = { msg_type: 'interactive', card };
  if (missingKeywords(message, model.keywords).length > 0) {
    const content = footerText(model);
    elements.push(
      template.version === 'v1'
        ? { tag: 'note', elements: [{ tag: 'plain_text', content }] }
        : { tag: 'div', text: { tag: 'plain_text', content, text_size: 'notation', text_color: 'grey' } },
    );
  }
  return message;
}
