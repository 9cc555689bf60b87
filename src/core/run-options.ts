/** How the adapter runs a command: progress goes back to it; the terminal confirms changes too. */
export interface RunOptions {
  progress?: (text: string) => void;
  /** Ask before applying `change` risk (the terminal); chat applies them after showing the plan. */
  confirmChanges?: boolean;
  /** Where a restarted bot reports, opaque to the core (a chat channel and post). */
  replyTo?: string;
  /** The chat channel the command was typed in (its id), where a schedule added from it posts. */
  channelId?: string;
}
