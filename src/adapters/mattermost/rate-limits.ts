/**
 * What Mattermost's rate limiter says in an answer (reference/mattermost.md B.5 and D): with
 * `RateLimitSettings.Enable`, every answer carries `X-RateLimit-Limit` (the burst, plus one),
 * `-Remaining` (requests allowed right now) and `-Reset` (seconds until the bucket is full again,
 * rounded up; relative, not an epoch). Without rate limiting the headers are absent.
 */
export interface RateLimits {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/**
 * A header's value; the least when it comes more than once. Mattermost 9.9 writes each of these
 * twice on an answer it let through (seen: `X-Ratelimit-Remaining: 5` twice, which fetch joins as
 * "5, 5") and once on a 429; two limiters on one answer bind by the tighter.
 */
const whole = (value: string | null): number | undefined => {
  const parts = (value ?? '').split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) return undefined;
  return Math.min(...parts.map(Number));
};

/** The limits an answer's headers state, or undefined when the server limits nothing. */
export function rateLimitsOf(headers: Pick<Headers, 'get'>): RateLimits | undefined {
  const limit = whole(headers.get('X-RateLimit-Limit'));
  const remaining = whole(headers.get('X-RateLimit-Remaining'));
  const resetSeconds = whole(headers.get('X-RateLimit-Reset'));
  if (limit === undefined || remaining === undefined || resetSeconds === undefined || limit < 1) return undefined;
  return { limit, remaining: Math.min(remaining, limit), resetSeconds };
}

/** One answer of the server, as a pacer learns from it. */
export interface ServerAnswer {
  /** When the request was sent and when its answer came (ms on the clock the pacer uses). */
  sentAt: number;
  answeredAt: number;
  limits: RateLimits | undefined;
  /** It was a 429. */
  refused: boolean;
}
