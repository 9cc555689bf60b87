/** Constant-time check of a slash command token against the configured ones. */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function isKnownToken(given: string | undefined, known: readonly string[]): boolean {
  if (!given) return false;
  const g = digest(given);
  // Compare against every token, always, so the time taken says nothing about which one matched.
  return known.reduce((found, token) => timingSafeEqual(g, digest(token)) || found, false);
}

/** `Authorization: Token <t>` (what Mattermost sends) or the form's `token` field. */
export function slashToken(authorization: string | undefined, formToken: unknown): string | undefined {
  const fromHeader = /^Token\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return fromHeader ?? (typeof formToken === 'string' ? formToken : undefined);
}
