/**
 * The context of an incident root's Undo button (issue 12, change-aware roots): like a plan's
 * Confirm (button-context.ts), Mattermost sends it back unsigned, so the bot signs, with the same
 * signer, everything it will act on: the command the button runs, the post that carries it, its
 * channel and the expiry. The command is run as whoever clicks, through the whole pipeline; the
 * signature only makes sure it is the command the bot put there, on that post.
 */
import type { Clock } from '../../core/ports/clock.ts';
import type { Signer } from '../../core/ports/signer.ts';
import type { ButtonCheck, ClickBody } from './button-context.ts';
import { isMattermostId } from './mattermost-id.ts';
import type { ActionContext } from './render-post.ts';

export interface UndoClaims {
  action: 'undo';
  /** The command line the click runs (core/model/undo.ts wrote it). */
  command: string;
  /** The post that carries the button (the incident's root): replies go to its thread. */
  post: string;
  channel: string;
  /** Milliseconds since the epoch, after which the button is refused. */
  expires: number;
}

/** How long an Undo button stays valid after the root was last posted or edited. */
export const undoButtonTtlMs = 24 * 3_600_000;
/** Longer than any command core/model/undo.ts writes. */
const maxCommand = 600;

// Another shape than a Confirm's canonical form (button-context.ts): neither signature verifies as the other.
const canonical = (c: UndoClaims): string => JSON.stringify([c.action, c.command, c.post, c.channel, c.expires]);

export function signUndo(signer: Signer, claims: UndoClaims): Record<string, string> {
  return {
    action: 'undo',
    command: claims.command,
    post: claims.post,
    channel: claims.channel,
    expires: String(claims.expires),
    sig: signer.sign(canonical(claims)),
  };
}

const text = (context: Record<string, unknown>, key: string): string => (typeof context[key] === 'string' ? context[key] : '');

/** The claims of an Undo click, when its context is the bot's, unexpired, and the body agrees with it. */
export function verifyUndo(signer: Signer, context: Record<string, unknown>, body: ClickBody, now: number): ButtonCheck<UndoClaims> {
  if (text(context, 'action') !== 'undo') return { ok: false, why: 'invalid' };
  const claims: UndoClaims = {
    action: 'undo',
    command: text(context, 'command'),
    post: text(context, 'post'),
    channel: text(context, 'channel'),
    expires: Number(text(context, 'expires')),
  };
  const ids = [claims.post, claims.channel, body.userId, body.postId, body.channelId];
  if (!claims.command || claims.command.length > maxCommand || !ids.every(isMattermostId)) return { ok: false, why: 'invalid' };
  if (!signer.verify(canonical(claims), text(context, 'sig'))) return { ok: false, why: 'invalid' };
  if (body.postId !== claims.post || body.channelId !== claims.channel) return { ok: false, why: 'invalid' };
  if (!Number.isFinite(claims.expires) || claims.expires < now) return { ok: false, why: 'expired' };
  return { ok: true, claims };
}

/**
 * The buttons of a made post whose actions carry a command (the notifier signs them once the post
 * has its id): each signs its command for that post and channel, valid for `undoButtonTtlMs`.
 */
export function commandButtons(deps: { signer: Signer; publicUrl: string; clock: Clock }): (place: { post: string; channel: string }) => ActionContext {
  return (place) => (action) => ({
    url: `${deps.publicUrl}/hooks/action`,
    context: signUndo(deps.signer, {
      action: 'undo',
      command: action.command ?? '',
      post: place.post,
      channel: place.channel,
      expires: deps.clock.now().getTime() + undoButtonTtlMs,
    }),
  });
}
