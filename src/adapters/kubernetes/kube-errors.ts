/**
 * The one place that maps Kubernetes API and network failures to matterops errors
 * (the closed error codes of core/errors.ts). A 403 repeats the apiserver's own sentence, which names the verb,
 * resource and namespace that are missing; an unreachable cluster names its context and URL.
 */
import { ApiException } from '@kubernetes/client-node';
import { MatteropsError } from '../../core/errors.ts';

export interface KubeErrorContext {
  context: string;
  server: string;
}

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string; group?: string };
}

export function statusBody(error: ApiException<unknown>): StatusBody {
  // The generated client leaves the body as a string or an object, depending on the call.
  if (typeof error.body === 'object' && error.body !== null) return error.body;
  try {
    return JSON.parse(String(error.body)) as StatusBody;
  } catch {
    return { message: String(error.body) };
  }
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** The first system error code in an error's cause chain (fetch wraps them). */
function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const codeValue = (e as { code?: unknown }).code;
    if (typeof codeValue === 'string' && networkCodes.has(codeValue)) return codeValue;
    e = (e as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : '';
  return [...networkCodes].find((c) => message.includes(c));
}

function fromStatus(error: ApiException<unknown>, where: KubeErrorContext): MatteropsError {
  const body = statusBody(error);
  const message = body.message ?? `HTTP ${error.code}`;
  switch (error.code) {
    case 401:
      return new MatteropsError(
        'forbidden',
        `cluster ${where.context} did not accept matterops's credentials`,
        'check the token or certificate of that kubeconfig context',
      );
    case 403:
      return new MatteropsError(
        'forbidden',
        `cluster ${where.context} refused: ${message}`,
        'ask a cluster admin to grant that right, or use a command you are allowed',
      );
    case 404:
      return new MatteropsError('not_found', `cluster ${where.context}: ${message}`);
    case 409:
      return new MatteropsError('conflict', `cluster ${where.context}: ${message}`, 'it changed meanwhile; run the command again');
    case 400:
    case 422:
      return new MatteropsError('invalid', `cluster ${where.context} rejected the request: ${message}`);
    default:
      return new MatteropsError('unavailable', `cluster ${where.context} answered ${error.code}: ${message}`, 'try again in a moment');
  }
}

/** Whether a call ran past its deadline (an AbortSignal.timeout, possibly wrapped by fetch). */
function isTimeout(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if ((e as { name?: unknown }).name === 'TimeoutError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function toMatteropsError(error: unknown, where: KubeErrorContext): unknown {
  if (error instanceof MatteropsError) return error;
  if (error instanceof ApiException) return fromStatus(error, where);
  if (isTimeout(error)) {
    return new MatteropsError(
      'unavailable',
      `cluster ${where.context} at ${where.server} did not answer in time`,
      'try again in a moment; if it keeps happening, check that the apiserver is healthy',
    );
  }
  const code = networkCode(error);
  if (code) {
    return new MatteropsError(
      'unavailable',
      `cannot reach cluster ${where.context} at ${where.server} (${code})`,
      'check that the apiserver is running and that the kubeconfig context points at it',
    );
  }
  return error;
}

export const isNotFound = (error: unknown): error is ApiException<unknown> => error instanceof ApiException && error.code === 404;
/** 409: the object changed since it was read (a stale resourceVersion), or already exists on create. */
export const isConflict = (error: unknown): error is ApiException<unknown> => error instanceof ApiException && error.code === 409;
