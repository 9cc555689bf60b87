/**
 * Masks secrets in text that leaves the bot (replies, logs): credentials in URLs and values of
 * keys that look secret. A last line of defence; verbs never read secret values on purpose.
 */
const credentialsInUrl = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@/\s]+)(@)/gi;
const secretAssignment = /\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|apikey|api_key|access_key|accesskey|secretkey|private_key|dsn)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)([^\s"',;&]+)/gi;

export const secretMask = '***';

export function redactSecrets(value: string): string {
  return value
    .replace(credentialsInUrl, `$1${secretMask}$3`)
    .replace(secretAssignment, `$1$2${secretMask}`);
}

/** Key names whose values are never shown (env list, config check). */
export function looksSecret(key: string): boolean {
  return /(PASSWORD|PASSWD|SECRET|TOKEN|KEY|DSN|CREDENTIAL|PRIVATE|DATASOURCE|CONNECTION_STRING)/i.test(key);
}
