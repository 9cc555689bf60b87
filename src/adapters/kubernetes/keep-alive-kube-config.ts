/**
 * A KubeConfig whose API calls share their connections.
 *
 * client-node 2.0 builds a new undici Agent for every request (KubeConfig.applySecurityAuthentication),
 * so every call pays a TCP and TLS handshake: 14-20 ms per call against a loopback apiserver,
 * more than the rest of a command. This subclass keeps the first Agent it is given for each
 * cluster and user and hands it to the following requests, so they ride on kept-alive connections.
 *
 * An Agent lives at most `maxAgeMs` (5 minutes): client certificates read from files or handed out
 * by an exec plugin can rotate, and a fresh Agent picks the new ones up. The old one is closed a
 * minute later, so requests already handed it (or streaming on it, like watches) finish first.
 *
 * Agents are kept per cluster and per user's TLS identity (name, certificate, key), not per whole
 * user entry: bearer tokens (OIDC, exec) travel in headers, and keying on them would keep one more
 * Agent after every token refresh.
 *
 * Every API call gets a deadline here too (`requestTimeoutMs`, 10 s): an AbortSignal on the request,
 * which undici honours for the connection, the headers and the body alike, so an apiserver that
 * accepts a connection and then says nothing cannot hold a command, a Lease renewal or a follow
 * forever (issue 9, item 12). Watches are not cut by it: client-node's Watch sends its own signal
 * and ends a watch that stays silent (installation-watch.ts restarts it).
 */
import { KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];
type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

interface KeptAgent {
  dispatcher: Dispatcher;
  since: number;
}

/** Closing is housekeeping: a failure to close must not become an unhandled rejection. */
const closeQuietly = (dispatcher: Dispatcher): void => {
  dispatcher.close().catch(() => undefined);
};

export class KeepAliveKubeConfig extends KubeConfig {
  private readonly kept = new Map<string, KeptAgent>();
  private readonly maxAgeMs: number;
  private readonly requestTimeoutMs: number;

  constructor(maxAgeMs = 5 * 60_000, requestTimeoutMs = 10_000) {
    super();
    this.maxAgeMs = maxAgeMs;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    if (!context.getSignal()) context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
    const fresh = context.getDispatcher();
    // No dispatcher means plain fetch defaults (no TLS options): nothing to keep.
    if (!fresh) return;
    const user = this.getCurrentUser();
    const key = JSON.stringify([this.getCurrentCluster(), user?.name, user?.certFile, user?.certData, user?.keyFile, user?.keyData]);
    const kept = this.kept.get(key);
    if (kept && Date.now() - kept.since < this.maxAgeMs) {
      context.setDispatcher(kept.dispatcher);
      // The Agent made for this request has opened nothing yet; closing it frees it at once.
      closeQuietly(fresh);
      return;
    }
    if (kept) setTimeout(() => closeQuietly(kept.dispatcher), 60_000).unref();
    this.kept.set(key, { dispatcher: fresh, since: Date.now() });
  }

  /** Closes the kept connections (tests and benchmarks that want to end tidily). */
  async closeConnections(): Promise<void> {
    const agents = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(agents.map((a) => a.dispatcher.close()));
  }
}
