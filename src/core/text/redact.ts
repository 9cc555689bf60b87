/**
 * Masks secrets in text that leaves the bot (replies, posts, logs, Events): credentials in URLs and
 * in MySQL DSNs, values of keys that look secret, bearer tokens and JWTs. A last line of defence;
 * verbs never read secret values on purpose.
 *
 * The time is linear in the text, whatever it holds (a pod's log is redacted while the event loop
 * renews the Leases): every pattern starts on a literal or where a run of its characters starts,
 * and each part it repeats is bounded or is its last part (read once, never backtracked into), so
 * no start reads more than a bounded stretch or its own run, and no stretch is read by more than a
 * few starts; assignments are found from their separator and each value is read once. The old
 * patterns took 6.8 s on 32 KB of `a.a.a.` and 1.76 s on `eyJ-eyJ-` (issue 9, items 3 and 7;
 * review R1). The unit test times each pattern's worst inputs at 8 KB and 32 KB: the ratio must
 * stay near 4 (linear), not 16 (quadratic).
 */
import { excerpt } from './excerpt.ts';
import { maskAssignments } from './mask-command.ts';
import { maskPrivateKeyBlocks } from './private-key-blocks.ts';
import { secretMask } from './secret-mask.ts';

export { secretMask };

/**
 * `scheme://user:PASSWORD@`: the password, found from the `://` that must precede it. User and
 * password are bounded and stop at `/` (which every later `://` holds).
 */
const credentialsInUrl = /(:\/\/[^:/@\s]{0,256}:)([^@/\s]{1,512})(@)/g;
/**
 * `user:PASSWORD@` with no scheme, as in Mattermost's MySQL DSN (`mmuser:pw@tcp(db:3306)/mattermost`,
 * `@unix(/path)`, `@/db`) or `user:pw@host`: the user starts a word (after a space, a quote, `=`, `,`,
 * `;` or a bracket), so each word is one start; an image digest (`nginx:1.25@sha256:...`) is no host.
 */
const credentialsWithoutScheme = /(?<![^\s"'=,;([{<])([A-Za-z0-9._~%+-]{1,256}:)([^@/\s]{1,512})(@)(?=tcp\(|unix\(|[A-Za-z0-9[/])(?!sha(?:256|384|512):)/g;
/** `Bearer x`, `Basic x`, `Token x` as in an Authorization header: one start per such word. */
const authScheme = /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{8,})/g;
/**
 * A JSON Web Token: three base64url parts, the first a JSON object (`eyJ`). It starts only where a
 * base64url run starts (not at every `eyJ` of `eyJ-eyJ-...`), and each part is bounded (8 KB holds
 * the largest ID tokens), so every run is read by at most three starts.
 */
const jsonWebToken = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{4,8192}/g;
/**
 * A separator between a key and a value (`=`, `: `, `": "`). The key is read backwards from it (at
 * most 80 characters) and judged by `secretKeyWords`; the value is read only then.
 */
const separator = /["']?[ \t]{0,8}[:=][ \t]{0,8}["']?/g;
/** Read once, where the separator ends (sticky), and skipped past: a long value is masked whole. */
const assignedValue = /[^\s"',;&]+/y;
const keyChar = /[A-Za-z0-9_.-]/;
const maxKeyLength = 80;
const secretKeyWords =
  /password|passwd|pwd|secret|token|apikey|api_key|api-key|access_key|accesskey|secretkey|private_key|privatekey|dsn|datasource|connection_string|credential/i;

function keyBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && end - start < maxKeyLength && keyChar.test(text[start - 1] ?? '')) start--;
  return text.slice(start, end);
}

/** Replaces the values of assignments whose key looks secret. */
function maskSecretAssignments(text: string): string {
  let out = '';
  let last = 0;
  separator.lastIndex = 0;
  for (let m = separator.exec(text); m; m = separator.exec(text)) {
    if (!secretKeyWords.test(keyBefore(text, m.index))) continue;
    const valueStart = m.index + m[0].length;
    assignedValue.lastIndex = valueStart;
    const value = assignedValue.exec(text)?.[0] ?? '';
    if (!value) continue;
    out += `${text.slice(last, valueStart)}${secretMask}`;
    last = valueStart + value.length;
    separator.lastIndex = last;
  }
  return out + text.slice(last);
}

export function redactSecrets(value: string): string {
  const masked = maskPrivateKeyBlocks(value)
    .replace(credentialsInUrl, `$1${secretMask}$3`)
    .replace(credentialsWithoutScheme, `$1${secretMask}$3`)
    .replace(authScheme, `$1$2${secretMask}`)
    .replace(jsonWebToken, secretMask);
  return maskSecretAssignments(masked);
}

/** Key names whose values are never shown (env list, config check). */
export function looksSecret(key: string): boolean {
  return /(PASSWORD|PASSWD|SECRET|TOKEN|KEY|DSN|CREDENTIAL|PRIVATE|DATASOURCE|CONNECTION_STRING)/i.test(key);
}

/** A URL whose authority holds `user:password@`, judged without a backtracking pattern. */
function hasUrlPassword(value: string): boolean {
  const scheme = value.indexOf('://');
  if (scheme < 0) return false;
  const rest = value.slice(scheme + 3);
  const authority = rest.slice(0, rest.search(/[/?#]|$/));
  const at = authority.lastIndexOf('@');
  return at > 0 && authority.slice(0, at).includes(':');
}

/** A run of 16 or more letters and digits, mixing both, with many distinct characters: a token or key. */
function hasRandomRun(value: string): boolean {
  return (value.match(/[A-Za-z0-9]{16,}/g) ?? []).some((run) => /\d/.test(run) && /[A-Za-z]/.test(run) && new Set(run).size >= 10);
}

/** Base64 of random bytes: upper, lower and digits, the case switching far more often than in words. */
function looksBase64Random(value: string): boolean {
  if (!/^[A-Za-z0-9+/=_-]{20,}$/.test(value) || !/\d/.test(value) || !/[a-z]/.test(value) || !/[A-Z]/.test(value)) return false;
  const switches = value.match(/[a-z](?=[A-Z])|[A-Z](?=[a-z])/g)?.length ?? 0;
  return switches * 5 >= value.length;
}

/**
 * Whether a value looks like a credential whatever its key is called: a URL with a password, a
 * DSN with `password=` or `user:password@` (MySQL), a JWT, a bearer token, or a long random string
 * (tokens, keys). Used for
 * env values, whose names (`MM_CUSTOM_UPSTREAM`) need not say they are secret.
 */
export function looksLikeCredential(value: string | undefined): boolean {
  if (!value || value.length < 8) return false;
  if (hasUrlPassword(value) || redactSecrets(value) !== value) return true;
  // Long random strings; paths and URLs are read, not keys (their parts are names).
  return !/^\.?\//.test(value) && !/\s/.test(value) && !value.includes('://') && (hasRandomRun(value) || looksBase64Random(value));
}

/** A command line as it may be shown or stored: `env set` values masked, secrets redacted. */
export function maskCommand(command: string): string {
  return redactSecrets(maskAssignments(command, secretMask));
}

/** How much of a command line a progress post or "Working on" answer quotes. */
const echoLength = 80;

/**
 * The command as the bot echoes it (progress posts, "Working on ..."): masked before its first
 * post, since Mattermost keeps every edit's previous text (reference/mattermost.md D.x), on one
 * line, and cut to a short excerpt. Plain text: the Mattermost adapter escapes it.
 */
export function echoCommand(command: string): string {
  return excerpt(maskCommand(command).replace(/\s+/g, ' ').trim(), echoLength);
}
