/** How the adapter runs a command: progress goes back to it; the terminal confirms changes too. */
export interface RunOptions {
  progress?: (text: string) => void;
  /** Ask before applying `change` risk (the terminal); chat applies them after showing the plan. */
  confirmChanges?: boolean;
  /** Where a restarted bot reports, opaque to the core (a chat channel and post). */
  replyTo?: string;
  /** The chat channel the command was typed in (its id), where a schedule added from it posts. */
  channelId?: string;
  /**
   * From chat: the channel of the bot's team with this name when the caller is a member of it, else
   * undefined (whether it does not exist or is not theirs: the answer is the same). `schedule add
   * --channel` from chat may name only such a channel; without this lookup it may name none.
   */
  memberChannel?: (name: string) => Promise<{ id: string; name: string } | undefined>;
}
