/**
 * The context of a Confirm/Cancel button. Mattermost keeps it server-side and sends it back on a
 * click, unsigned (reference: Mattermost interactive messages): so the bot signs everything it
 * will trust (issue 9, item 2): the action, the plan's token, the requester, the post that carries
 * the buttons, its channel, the thread replies go to, and the expiry. The click's unsigned body is
 * checked against them, and every id against Mattermost's id shape, before any REST path is built.
 */
import type { Signer } from '../../core/ports/signer.ts';
import { isMattermostId } from './mattermost-id.ts';

export interface ButtonClaims {
  action: 'confirm' | 'cancel';
  /** The plan's confirmation token (`code.expiry.signature`). */
  token: string;
  /** The Mattermost user id of whoever asked for the plan. */
  requester: string;
  /** The post that carries the buttons. */
  post: string;
  channel: string;
  /** The thread replies go to: the plan's own root (a mention's thread) or the plan post. */
  root: string;
  /** Milliseconds since the epoch, after which the button is refused. */
  expires: number;
}

const canonical = (c: ButtonClaims): string => JSON.stringify([c.action, c.token, c.requester, c.post, c.channel, c.root, c.expires]);

export function signButton(signer: Signer, claims: ButtonClaims): Record<string, string> {
  return {
    action: claims.action,
    token: claims.token,
    requester: claims.requester,
    post: claims.post,
    channel: claims.channel,
    root: claims.root,
    expires: String(claims.expires),
    sig: signer.sign(canonical(claims)),
  };
}

/** What Mattermost says about a click, unsigned. */
export interface ClickBody {
  userId: string;
  postId: string;
  channelId: string;
}

export type ButtonCheck<Claims = ButtonClaims> = { ok: true; claims: Claims } | { ok: false; why: 'invalid' | 'expired' };

const text = (context: Record<string, unknown>, key: string): string => (typeof context[key] === 'string' ? context[key] : '');

/** The claims of a click, when its context is the bot's, unexpired, and the body agrees with it. */
export function verifyButton(signer: Signer, context: Record<string, unknown>, body: ClickBody, now: number): ButtonCheck {
  const action = text(context, 'action');
  if (action !== 'confirm' && action !== 'cancel') return { ok: false, why: 'invalid' };
  const claims: ButtonClaims = {
    action,
    token: text(context, 'token'),
    requester: text(context, 'requester'),
    post: text(context, 'post'),
    channel: text(context, 'channel'),
    root: text(context, 'root'),
    expires: Number(text(context, 'expires')),
  };
  const ids = [claims.requester, claims.post, claims.channel, claims.root, body.userId, body.postId, body.channelId];
  if (!claims.token || !ids.every(isMattermostId) || !signer.verify(canonical(claims), text(context, 'sig'))) return { ok: false, why: 'invalid' };
  if (body.postId !== claims.post || body.channelId !== claims.channel) return { ok: false, why: 'invalid' };
  if (!Number.isFinite(claims.expires) || claims.expires < now) return { ok: false, why: 'expired' };
  return { ok: true, claims };
}
