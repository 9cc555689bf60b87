/** GET over TLS trusting one CA file: the sandbox apiserver has a throwaway CA that fetch() won't take. */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';

export function httpsGet(url: string, caFile: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      ca: readFileSync(caFile),
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      timeout: 2_000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
    req.end();
  });
}
