/**
 * The platform-neutral reply model: every verb answers with blocks, and each adapter (terminal,
 * Mattermost) renders them its own way, so the core never formats for a platform.
 */
import type { Card } from './card.ts';
import type { ErrorCode } from './errors.ts';

/** Colour of a reply, from the state it reports. */
export type Tone = 'good' | 'warning' | 'danger' | 'info' | 'neutral';

export interface Field {
  label: string;
  value: string;
}
export interface Action {
  id: string;
  label: string;
  style: 'primary' | 'danger' | 'default';
  /**
   * A command line the button runs when clicked (an incident's Undo): as whoever clicks it, through
   * the whole pipeline like a typed command, always asking before it applies. The adapter signs it
   * into the button, so a click can carry no other; a button without it is a plan's Confirm/Cancel.
   */
  command?: string;
}

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'fields'; fields: Field[] }
  | { kind: 'table'; columns: string[]; rows: string[][] }
  | { kind: 'code'; text: string }
  | { kind: 'actions'; actions: Action[] };

/**
 * A plan waiting for its confirmation, as a reply offers it (change/confirmations.ts makes one):
 * what to type, or the token a button carries.
 */
export interface PendingConfirmation {
  code: string;
  /** `code.expiry.signature`, for buttons and other untyped paths. */
  token: string;
  expiresAt: Date;
  confirmWord: string | undefined;
  needsApprover: boolean;
  /** What to add to the command to apply it without a question (`--yes`, `--confirm <name>`). */
  flag: string;
}

export interface Reply {
  tone: Tone;
  blocks: Block[];
  /** Set when the reply reports a failure; adapters map it to exit codes or ephemeral posts. */
  error?: ErrorCode;
  /** For the requester only (a preview such as `digest`): chat answers a slash command with it ephemerally. */
  privately?: boolean;
  /** Set when the reply asks for a confirmation; adapters turn it into buttons or a prompt. */
  pending?: PendingConfirmation;
  /** The same answer as data, for the companion webapp plugin's cards (card.ts); renderers that know none ignore it. */
  card?: Card;
}

export const heading = (text: string): Block => ({ kind: 'heading', text });
export const text = (value: string): Block => ({ kind: 'text', text: value });
export const fields = (entries: Field[]): Block => ({ kind: 'fields', fields: entries });
export const table = (columns: string[], rows: string[][]): Block => ({ kind: 'table', columns, rows });
export const code = (value: string): Block => ({ kind: 'code', text: value });

export const reply = (tone: Tone, ...blocks: Block[]): Reply => ({ tone, blocks });
