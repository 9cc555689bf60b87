/** Who asked, and through which adapter: what policies bind and audit records name. */
export interface Caller {
  /** Stable id: the Mattermost user id, or `terminal:<os user>`. */
  id: string;
  /** Shown in replies and audit: `@alice`, or the OS user in the terminal. */
  name: string;
  via: 'terminal' | 'mattermost';
  /** Mattermost team and channel names and group names, where the policy binds them. */
  team?: string;
  channel?: string;
  groups?: string[];
}

/** The bare user name (`alice`), as policies and Kubernetes identities name people. */
export const usernameOf = (caller: Caller): string => caller.name.replace(/^@/, '');
