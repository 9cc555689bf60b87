/**
 * The image's HEALTHCHECK: GET /healthz of the `serve` in this container, on the port of
 * MATTEROPS_HTTP_LISTEN (a wildcard host is asked on loopback). Exit 0 healthy, 1 not. Kubernetes
 * ignores HEALTHCHECK and uses the chart's probes on the same paths; podman and docker use this.
 */
const listen = process.env.MATTEROPS_HTTP_LISTEN || '127.0.0.1:8080';
const port = listen.slice(listen.lastIndexOf(':') + 1);
const host = listen.slice(0, listen.lastIndexOf(':'));
const local = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host;
try {
  const response = await fetch(`http://${local}:${port}/healthz`, { signal: AbortSignal.timeout(3_000) });
  process.exitCode = response.ok ? 0 : 1;
} catch (error) {
  console.error(`matterops is not healthy: ${(error as Error).message}`);
  process.exitCode = 1;
}
