/** `.sandbox/env`: shell-sourceable, and parsed back by the test harness. */
import { readFileSync, writeFileSync } from 'node:fs';

const quote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

export function writeEnvFile(path: string, env: Record<string, string>): void {
  const lines = Object.entries(env).map(([key, value]) => `export ${key}=${quote(value)}`);
  writeFileSync(path, `# Written by make sandbox; source it: . .sandbox/env\n${lines.join('\n')}\n`, { mode: 0o600 });
}

export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2].replaceAll(`'\\''`, "'");
  }
  return env;
}
