/**
 * The one way a runner's error text leaves the pod (termination message, stdout, stderr): the
 * secrets it was given masked wherever they appear (as they are and percent-encoded, as in a URL),
 * any `postgres://...` URL masked whole, then the general masking the bot uses everywhere
 * (core/text/redact.ts: credentials in URLs, `password=...`, tokens); and one short line, since the
 * bot shows it in chat as it is.
 */
import { redactSecrets, secretMask } from '../core/text/redact.ts';

/** Long enough for libpq's and S3's sentences, short enough for a chat line and the 4 KB termination message. */
export const maxErrorLength = 400;

/** A secret this short would mask ordinary words; such values are still caught by their key or URL. */
const minSecretLength = 4;

const postgresUrl = /postgres(?:ql)?:\/\/[^\s"'<>]*/gi;

export type Sanitiser = (text: string) => string;

export function createSanitiser(secrets: readonly (string | undefined)[]): Sanitiser {
  const literals = [...new Set(secrets.flatMap((s) => (s && s.length >= minSecretLength ? [s, encodeURIComponent(s)] : [])))]
    // Longest first, so a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let masked = text;
    for (const literal of literals) masked = masked.replaceAll(literal, secretMask);
    masked = redactSecrets(masked.replace(postgresUrl, `postgres://${secretMask}`));
    const line = masked.replace(/\s+/g, ' ').trim();
    return line.length > maxErrorLength ? `${line.slice(0, maxErrorLength - 1)}…` : line;
  };
}
