/** HTTPS trusting one CA file: the sandbox apiserver has a throwaway CA that fetch() won't take. */
import { request } from 'node:https';
import { readFileSync } from 'node:fs';

export function httpsGet(url: string, caFile: string, token?: string): Promise<{ status: number; body: string }> {
  return send(url, { method: 'GET', caFile, ...(token ? { token } : {}) });
}

/** POST of a JSON body, trusting the same CA (CRDs too large and too free-form for client-node). */
export function httpsPost(url: string, json: string, caFile: string, token: string): Promise<{ status: number; body: string }> {
  return send(url, { method: 'POST', caFile, token, body: json });
}

function send(url: string, o: { method: string; caFile: string; token?: string; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: o.method,
        ca: readFileSync(o.caFile),
        headers: { ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}), ...(o.body ? { 'Content-Type': 'application/json' } : {}) },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
