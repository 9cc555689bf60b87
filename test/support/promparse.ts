/**
 * A /metrics scrape read by the Prometheus project's own parser (test/peers/promparse: expfmt, as
 * Prometheus and promtool read it), so a malformed exposition fails the test instead of being
 * read leniently.
 */
import { execFile } from 'node:child_process';
import { bin } from '../sandbox/paths.ts';

export interface ParsedSample {
  name: string;
  type: string;
  labels: Record<string, string>;
  value: number;
}

export async function parseWithPrometheus(exposition: string): Promise<ParsedSample[]> {
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(bin('promparse'), (error, out, err) => (error ? reject(new Error(`promparse: ${err || error.message}`)) : resolve(out)));
    child.stdin?.end(exposition);
  });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ParsedSample);
}

const same = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

/** The value of `name{labels}` among the parsed samples, or undefined. */
export function parsedValue(samples: ParsedSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && same(s.labels, labels))?.value;
}
