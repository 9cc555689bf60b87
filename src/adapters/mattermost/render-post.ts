/**
 * Renders the core's reply model as a Mattermost post: the first heading or line as the message
 * (what notifications and previews show), the rest in one attachment coloured by tone, tables as
 * markdown, code in fences, and buttons for confirmations. No core change is needed to add it.
 * Every block is plain text and is escaped here (escape-markdown.ts): users' words never format
 * the post, notify a channel or make a link.
 */
import { cardPostType, cardVersion, type Card, type CardProps } from '../../core/card.ts';
import type { Action, Block, Reply, Tone } from '../../core/reply.ts';
import { codeBlock, escapeText, tableCell } from './escape-markdown.ts';

export interface PostAction {
  id: string;
  name: string;
  style: string;
  integration: { url: string; context: Record<string, string> };
}
export interface Attachment {
  color: string;
  text: string;
  fields?: { title: string; value: string; short: boolean }[];
  actions?: PostAction[];
}
export interface RenderedPost {
  message: string;
  /** `custom_matterops_<kind>` when the reply has a card and the companion plugin is active. */
  type?: string;
  props: { attachments: Attachment[]; matterops?: CardProps };
}

/**
 * What a post adds for the companion plugin (issue 15, docs/mattermost.md): its card's post type
 * and the card in `props.matterops`, when there is a card and the plugin is active (`cards`);
 * nothing otherwise, so the post is exactly the plain one. The message and attachments stay in
 * either case: clients without the plugin (mobile, notifications) read those, and the buttons
 * stay interactive actions.
 */
export function cardOf(card: Card | undefined, cards: boolean): { type?: string; matterops?: CardProps } {
  return card && cards ? { type: cardPostType(card.kind), matterops: { v: cardVersion, card } } : {};
}

export const toneColor: Record<Tone, string> = { good: '#2e7d32', warning: '#f9a825', danger: '#c62828', info: '#1565c0', neutral: '#9e9e9e' };

export function markdownTable(columns: string[], rows: string[][]): string {
  return [
    `| ${columns.map(tableCell).join(' | ')} |`,
    `|${columns.map(() => ' --- |').join('')}`,
    ...rows.map((r) => `| ${r.map(tableCell).join(' | ')} |`),
  ].join('\n');
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `**${escapeText(block.text)}**`;
    case 'text':
      return escapeText(block.text);
    case 'fields':
      return block.fields.map((f) => `**${escapeText(f.label)}:** ${escapeText(f.value)}`).join('\n');
    case 'table':
      return markdownTable(block.columns, block.rows);
    case 'code':
      return codeBlock(block.text);
    case 'actions':
      return '';
  }
}

/** Builds the buttons; `context` is what the adapter signs for each action (never shown to clients). */
export type ActionContext = (action: Action) => { url: string; context: Record<string, string> };

export function renderPost(reply: Reply, actionContext?: ActionContext, options: { cards?: boolean } = {}): RenderedPost {
  const [first, ...rest] = reply.blocks;
  const message = first && first.kind !== 'actions' && first.kind !== 'table' && first.kind !== 'code' ? renderBlock(first) : '';
  const body = (message ? rest : reply.blocks).map(renderBlock).filter(Boolean).join('\n\n');
  const actions = reply.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []));
  const attachment: Attachment = {
    color: toneColor[reply.tone],
    text: body,
    ...(actions.length && actionContext ? { actions: actions.map((a) => ({ id: a.id, name: a.label, style: a.style, integration: actionContext(a) })) } : {}),
  };
  return withCard({ message, props: { attachments: body || attachment.actions ? [attachment] : [] } }, reply.card, options.cards ?? false);
}

/** A plain post with its card's type and props added, when there is one and the plugin is active. */
function withCard(post: RenderedPost, card: Card | undefined, cards: boolean): RenderedPost {
  const { type, matterops } = cardOf(card, cards);
  return type && matterops ? { message: post.message, type, props: { ...post.props, matterops } } : post;
}

/** The actions of a reply that run a command when clicked (an incident's Undo), not a plan's Confirm/Cancel. */
export const commandActions = (reply: Reply): Action[] => reply.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : [])).filter((a) => a.command);

/** A rendered post with buttons added to its attachment, signed by `actionContext` (once the post's id is known). */
export function withButtons(post: { message: string; props: Record<string, unknown> }, actions: Action[], actionContext: ActionContext) {
  const [first, ...rest] = (post.props.attachments ?? []) as Attachment[];
  const buttons = actions.map((a) => ({ id: a.id, name: a.label, style: a.style, integration: actionContext(a) }));
  const attachment: Attachment = { ...(first ?? { color: toneColor.neutral, text: '' }), actions: buttons };
  return { message: post.message, props: { ...post.props, attachments: [attachment, ...rest] } };
}

/** Plain markdown of a reply, for ephemeral slash responses (which show text best). */
export function renderMarkdown(reply: Reply): string {
  return reply.blocks.map(renderBlock).filter(Boolean).join('\n\n');
}
