/** One alert as a lark_md block: labels, start and duration, annotations, links. */
import { labelValue as value, type NotifiedAlert } from '@alertlark/contracts';
import type { TextLimits } from './card.fit';
import { labelsToShow, type CardModel } from './card.model';
import { durationParts, escapeLarkMd, formatUtc, mdLink, oneLine, parseInstant, safeLinkUrl, truncateText } from './card.text';

/**
 * Blocks already written, by model, text limits and alert: fitting a card lays it out a dozen
 * times or more (cardinalities galloped, then halved, at each truncation level), and formatting an
 * alert's times and texts was most of a large group's card.
 */
const written = new WeakMap<CardModel, Map<TextLimits, WeakMap<NotifiedAlert, string>>>();

export function alertBlock(model: CardModel, alert: NotifiedAlert, limits: TextLimits): string {
  let byLimits = written.get(model);
  if (!byLimits) written.set(model, (byLimits = new Map()));
  let byAlert = byLimits.get(limits);
  if (!byAlert) byLimits.set(limits, (byAlert = new WeakMap()));
  let block = byAlert.get(alert);
  if (block === undefined) byAlert.set(alert, (block = writeAlertBlock(model, alert, limits)));
  return block;
}

function writeAlertBlock(model: CardModel, alert: NotifiedAlert, limits: TextLimits): string {
  const s = model.strings;
  const label = (text: string) => escapeLarkMd(truncateText(oneLine(text), limits.labelChars));
  const icon = alert.status === 'firing' ? '🔥' : '✅';
  const labels = labelsToShow(model, alert).map((pair) => `**${label(pair.name)}**: ${label(pair.value)}`);
  const lines = [[icon, ...(labels.length > 0 ? [labels.join(' · ')] : [])].join(' ')];
  lines.push(timeLine(model, alert));
  for (const name of model.annotationNames) {
    const text = value(alert.annotations, name);
    if (text === undefined || text.trim() === '') continue;
    const title = name === 'summary' ? s.summary : name === 'description' ? s.description : label(name);
    const body = escapeLarkMd(truncateText(text.trim().replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n'), limits.annotationChars));
    lines.push(`**${title}:** ${body}`);
  }
  const links = [
    mdLink(s.graph, alert.generatorURL, limits.urlChars),
    mdLink(s.runbook, value(alert.annotations, 'runbook_url'), limits.urlChars),
  ].filter((link): link is string => link !== undefined);
  if (links.length > 0) lines.push(links.join(' · '));
  return lines.join('\n');
}

function timeLine(model: CardModel, alert: NotifiedAlert): string {
  const s = model.strings;
  const start = parseInstant(alert.startsAt);
  if (start === undefined) return `**${s.started}** ${escapeLarkMd(truncateText(oneLine(alert.startsAt), 40))}`;
  const parts = [`**${s.started}** ${formatUtc(start)}`];
  if (alert.status === 'firing') {
    parts.push(`${s.lasting} ${s.duration(durationParts(model.nowMs - start))}`);
  } else {
    const end = parseInstant(alert.endsAt);
    if (end !== undefined && end >= start) {
      parts.push(`**${s.ended}** ${formatUtc(end)}`, `${s.lasted} ${s.duration(durationParts(end - start))}`);
    }
  }
  return parts.join(' · ');
}

/** The line that stands for alerts not on the card, linking to the console when there is one. */
export function moreLine(model: CardModel, omitted: number): string {
  const consoleUrl = safeLinkUrl(model.consoleUrl);
  const link = consoleUrl ? ` · [${escapeLarkMd(model.strings.console)}](${consoleUrl})` : '';
  return `**${model.strings.more(omitted)}**${link}`;
}

/** Visible footer: the keywords verbatim (plain text, so nothing can hide them) and the bot name. */
export function footerText(model: CardModel): string {
  const parts = [];
  if (model.keywords.length > 0) parts.push(`${model.strings.keywords}: ${model.keywords.join(', ')}`);
  parts.push(model.objectName ? `Alertlark · ${truncateText(model.objectName, 100)}` : 'Alertlark');
  return parts.join(' | ');
}
