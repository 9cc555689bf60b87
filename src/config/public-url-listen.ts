/**
 * The public URL Mattermost posts slash commands to, and the address `serve` listens on. On one
 * machine they must meet: a new user's commands failed with Mattermost's bare "Command with a
 * trigger of 'k8s' failed" because the URL said :8065-something and `serve` listened on the default
 * :8080 (issue 14). Behind a proxy or an Ingress the two differ on purpose, so only loopback URLs
 * are compared.
 */

// IPv4 and names only: http.listen is host:port, which an IPv6 literal cannot be.
const loopbackHost = /^(localhost|127(\.\d{1,3}){3})$/i;

/** The host and port a URL reaches (the scheme's port when it names none), if it is on loopback. */
function loopbackPort(publicUrl: string): { host: string; port: string } | undefined {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return undefined;
  }
  if (!loopbackHost.test(url.hostname)) return undefined;
  return { host: url.hostname, port: url.port || (url.protocol === 'https:' ? '443' : '80') };
}

/** What `register --write-env` writes as MATTEROPS_HTTP_LISTEN: the URL's own host:port when it is local, else `listen`. */
export function listenForPublicUrl(publicUrl: string, listen: string | undefined): string | undefined {
  const local = loopbackPort(publicUrl);
  return local ? `${local.host}:${local.port}` : listen;
}

/** The warning `serve` logs at start when a loopback public URL names another port than it listens on. */
export function listenMismatch(publicUrl: string, listen: string): string | undefined {
  const local = loopbackPort(publicUrl);
  const port = listen.slice(listen.lastIndexOf(':') + 1);
  if (!local || local.port === port) return undefined;
  return `MATTEROPS_PUBLIC_URL ${publicUrl} is on this machine at port ${local.port}, but serve listens on ${listen}: Mattermost's slash commands and buttons will fail ("Command with a trigger of ... failed"); set MATTEROPS_HTTP_LISTEN=${local.host}:${local.port} or fix the public URL`;
}
