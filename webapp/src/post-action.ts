/**
 * A click on a card's button does what the web app's own attachment buttons do
 * (MessageAttachment.handleAction -> Client4.doPostActionWithCookie): `POST
 * /api/v4/posts/{post}/actions/{action}` with the session cookie, the CSRF header and the action's
 * cookie if the server gave one. Mattermost then calls the bot's integration URL, so the bot checks
 * the click exactly as for a plain post (who clicked, the signed context): the plugin holds nothing.
 */
export interface PostAction {
  id: string;
  name: string;
  style?: string;
  cookie?: string;
}

/** The error to show, or undefined when the server took the click. */
export async function doPostAction(postId: string, action: PostAction, fetcher: typeof fetch = fetch): Promise<string | undefined> {
  const url = `${window.basename ?? ''}/api/v4/posts/${encodeURIComponent(postId)}/actions/${encodeURIComponent(action.id)}`;
  const body = { selected_option: '', ...(action.cookie ? { cookie: action.cookie } : {}) };
  try {
    const res = await fetcher(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify(body),
    });
    if (res.ok) return undefined;
    return `${action.name} failed: ${await serverMessage(res)}`;
  } catch {
    return `${action.name} failed: Mattermost did not answer`;
  }
}

/** The web app keeps its CSRF token in the `MMCSRF` cookie and sends it on every write. */
function csrfToken(): string {
  const match = /(?:^|;\s*)MMCSRF=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1] ?? '') : '';
}

async function serverMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === 'string' && body.message) return body.message;
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${res.status}`;
}

/** The buttons of a post's attachments, as the server sends them to clients (integrations stripped). */
export function postActions(props: unknown): PostAction[] {
  const attachments = typeof props === 'object' && props !== null ? (props as Record<string, unknown>).attachments : undefined;
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a: unknown) => {
    const actions = typeof a === 'object' && a !== null ? (a as Record<string, unknown>).actions : undefined;
    return Array.isArray(actions) ? actions.flatMap(toAction) : [];
  });
}

/** Buttons only: a `select` menu needs the web app's own menu (matterops posts none). */
function toAction(raw: unknown): PostAction[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const a = raw as Record<string, unknown>;
  if (typeof a.id !== 'string' || !a.id || typeof a.name !== 'string' || !a.name || a.type === 'select' || a.disabled === true) return [];
  return [
    { id: a.id, name: a.name, ...(typeof a.style === 'string' ? { style: a.style } : {}), ...(typeof a.cookie === 'string' ? { cookie: a.cookie } : {}) },
  ];
}
