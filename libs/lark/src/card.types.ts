/**
 * The subset of Lark's v1 message card that Alertlark sends (LARK.md, "Cards"). Kept narrow on
 * purpose: v1 cards work on every Feishu/Lark client, and a custom bot's buttons can only open URLs.
 */
import type { CardActionValue } from '@alertlark/contracts';

export type LarkHeaderTemplate =
  | 'blue'
  | 'wathet'
  | 'turquoise'
  | 'green'
  | 'yellow'
  | 'orange'
  | 'red'
  | 'carmine'
  | 'violet'
  | 'purple'
  | 'indigo'
  | 'grey';

export interface LarkPlainText {
  tag: 'plain_text';
  content: string;
}

export interface LarkMdText {
  tag: 'lark_md';
  content: string;
}

export type LarkText = LarkPlainText | LarkMdText;

export interface LarkDivField {
  is_short: boolean;
  text: LarkText;
}

export interface LarkDivElement {
  tag: 'div';
  text?: LarkText;
  fields?: LarkDivField[];
}

export interface LarkHrElement {
  tag: 'hr';
}

export interface LarkNoteElement {
  tag: 'note';
  elements: LarkText[];
}

/** A v1 button: a link (`url`) or, on an app bot's card, a callback carrying `value` (LARK.md). */
export type LarkButton = {
  tag: 'button';
  text: LarkPlainText;
  type: 'default' | 'primary' | 'danger';
} & ({ url: string } | { value: CardActionValue });


export interface LarkActionElement {
  tag: 'action';
  actions: LarkButton[];
}

export type LarkCardElement = LarkDivElement | LarkHrElement | LarkNoteElement | LarkActionElement;

export interface LarkCard {
  /** `update_multi`: a shared card, which an app may edit in place (LARK.md); set on every app bot's card. */
  config: { wide_screen_mode: boolean; update_multi?: boolean };
  header: { title: LarkPlainText; template: LarkHeaderTemplate };
  elements: LarkCardElement[];
}

export interface LarkCardMessage {
  msg_type: 'interactive';
  card: LarkCard;
}

/** A webhook body after signing: the message plus `timestamp` (seconds, as a string) and `sign`. */
export type SignedLarkBody<T> = T & { timestamp?: string; sign?: string };

/**
 * A card built from an object's own template (card.template.ts): v1 or v2, any shape Lark takes,
 * so only its envelope is typed.
 */
export interface LarkTemplateCardMessage {
  msg_type: 'interactive';
  card: { [key: string]: unknown };
}

/** What the alert renderer sends: the default v1 card, or the object's own template. */
export type AlertCardMessage = LarkCardMessage | LarkTemplateCardMessage;
