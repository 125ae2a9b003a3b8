/**
 * The check of an object's card config when it is saved, beyond its JSON shape (the contract's
 * cardConfigSchema): placeholders of the title template; the template's JSON, card shape and
 * placeholders; and, rendered for the built-in sample (firing and resolved), whether it is still a
 * valid card, fits the body budget without alerts, and shows the object's keywords.
 */
import { incidentViewSchema, type CardConfig } from '@alertlark/contracts';
import { DEFAULT_CARD_BYTE_BUDGET, jsonBytes, TRUNCATION_LEVELS } from './card.fit';
import { missingKeywords } from './card.inspect';
import { buildCardModel } from './card.model';
import { placeholdersIn, PLACEHOLDER_LIST } from './card.placeholders';
import { sampleNotification } from './card.sample';
import { cardShapeIssues, parseCardTemplate, renderCardTemplate, type TemplateIssue } from './card.template';

/** A problem of the config, `path` dotted from the card config (`template.header.title.content`). */
export type CardConfigIssue = TemplateIssue;

const NOT_IN_TITLE = new Set(['alerts', 'mentions']);
/** Stands for the console link while checking; only its length matters. */
const CHECK_CONSOLE_URL = 'https://alertlark.example.com/alerts?group=%7B%7D%3A%7Balertname%3D%22HighCPUUsage%22%7D';
/** Stands for a signed action link (`{{claimUrl}}`…) while checking: a little longer than lark-sender's. */
const CHECK_ACTION_URL = `https://alertlark.example.com/act/v1.k0.${'x'.repeat(256)}`;
/** The sample's group as the router tells it, with an open incident, so action links are counted. */
const CHECK_INCIDENT = incidentViewSchema.parse({ id: 'inc_sample', openedAt: 0, state: 'open', claimedBy: null, claimedAt: null, resolvedBy: null, resolvedAt: null, silence: null });

export function titleTemplateIssues(titleTemplate: string): CardConfigIssue[] {
  const issues: CardConfigIssue[] = [];
  for (const use of placeholdersIn(titleTemplate)) {
    if (!use.placeholder) issues.push({ path: 'titleTemplate', message: `unknown placeholder ${use.raw}; known: ${PLACEHOLDER_LIST}` });
    else if (use.placeholder.kind === 'simple' && NOT_IN_TITLE.has(use.placeholder.name)) {
      issues.push({ path: 'titleTemplate', message: `${use.raw} cannot stand in a title (it is lark_md)` });
    }
  }
  return issues;
}

/** Every problem of `config` for an object with this name and these keywords; [] when it can be saved. */
export function cardConfigIssues(config: Partial<CardConfig>, target: { name: string; keywords: readonly string[] }): CardConfigIssue[] {
  const issues = config.titleTemplate !== undefined ? titleTemplateIssues(config.titleTemplate) : [];
  if (config.template === undefined) return issues;
  const parsed = parseCardTemplate(config.template);
  if (!parsed.ok) return [...issues, ...parsed.issues.map((issue) => ({ ...issue, path: ['template', issue.path].filter(Boolean).join('.') }))];
  const nowMs = Date.UTC(2024, 4, 1, 12);
  for (const status of ['firing', 'resolved'] as const) {
    const sample = { ...sampleNotification({ ...(config.language ? { language: config.language } : {}), status, nowMs }), groupId: 'grp_sample', incident: CHECK_INCIDENT };
    const links = { consoleUrl: CHECK_CONSOLE_URL, actionUrl: () => CHECK_ACTION_URL };
    const model = buildCardModel(sample, { name: target.name, keywords: target.keywords, card: config }, links, nowMs);
    const card = renderCardTemplate(parsed.template, model, 0, TRUNCATION_LEVELS[TRUNCATION_LEVELS.length - 1]!);
    const shape = cardShapeIssues(card.card, false).issues;
    if (shape.length > 0) {
      const problems = shape.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      return [...issues, { path: 'template', message: `a ${status} card from this template is not a valid card: ${problems}` }];
    }
    const bytes = jsonBytes(card);
    if (bytes > DEFAULT_CARD_BYTE_BUDGET) {
      return [...issues, { path: 'template', message: `is too large: a ${status} card is ${bytes} bytes without any alert, over the budget of ${DEFAULT_CARD_BYTE_BUDGET}` }];
    }
    const missing = missingKeywords(card, model.keywords);
    if (missing.length > 0) {
      return [...issues, { path: 'template', message: `cannot carry the keywords (${missing.join(', ')}) in visible text on a ${status} card` }];
    }
  }
  return issues;
}
