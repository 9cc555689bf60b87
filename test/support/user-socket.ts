/** A user's websocket to the real Mattermost: what that user alone is sent (ephemeral posts). */
import { WebSocket } from 'ws';
import { waitFor } from '../sandbox/wait.ts';

export interface UserSocket {
  /** Messages of ephemeral posts sent to this user so far. */
  ephemeral(): string[];
  waitForEphemeral(match: RegExp, timeoutMs?: number): Promise<string>;
  close(): void;
}

export async function openUserSocket(mmUrl: string, token: string): Promise<UserSocket> {
  const socket = new WebSocket(`${mmUrl.replace(/^http/, 'ws')}/api/v4/websocket`, { headers: { Authorization: `Bearer ${token}` } });
  const seen: string[] = [];
  socket.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString()) as { event?: string; data?: { post?: string } };
    // Stored as a person reads it: without the invisible U+200B the bot puts after every @.
    if (event.event === 'ephemeral_message' && event.data?.post)
      seen.push((JSON.parse(event.data.post) as { message: string }).message.replaceAll('\u200B', ''));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    ephemeral: () => [...seen],
    waitForEphemeral: (match, timeoutMs = 15_000) =>
      waitFor(() => Promise.resolve(seen.find((m) => match.test(m))), { what: `an ephemeral post matching ${match}`, timeoutMs, intervalMs: 100 }),
    close: () => socket.close(),
  };
}
