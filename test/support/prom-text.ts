/**
 * Reads a Prometheus text exposition as a scraper does: the value of one series, found by metric
 * name and labels (in any order), so tests check what /metrics really shows.
 */
const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): Sample[] {
  return text.split('\n').flatMap((row) => {
    const match = line.exec(row);
    if (!match || row.startsWith('#')) return [];
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(label)].map((m) => [m[1]!, m[2]!]));
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

/** The value of the series `name{labels}`, or undefined when the exposition has no such series. */
export function seriesValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return parseExposition(text).find((s) => s.name === name && sameLabels(s.labels, labels))?.value;
}
