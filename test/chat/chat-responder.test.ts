/**
 * The chat responder against the real Mattermost server (issue 9, item 10): a progress post the
 * server refuses does not become an unhandled rejection (vitest fails a run that has one), and an
 * error that arrives after Mattermost was already answered still reaches the requester, privately.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from '../sandbox/ports.ts';
import { createChatResponder } from '../../src/adapters/mattermost/chat-responder.ts';
import { MattermostApi } from '../../src/adapters/mattermost/mattermost-api.ts';
import { ServerPacer } from '../../src/adapters/mattermost/server-pacer.ts';
import { createMattermostNotifier } from '../../src/adapters/mattermost/mattermost-notifier.ts';
import { commandResponse } from '../../src/adapters/mattermost/command-response.ts';
import { createHmacSigner } from '../../src/adapters/crypto/hmac-signer.ts';
import type { Pipeline } from '../../src/core/pipeline.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { alice as terminalAlice, createHarness } from '../support/core-harness.ts';
import { env } from '../support/sandbox.ts';
import { openUserSocket } from '../support/user-socket.ts';

function responderOn(pipeline: Pipeline, logged: string[]): ReturnType<typeof createChatResponder> {
  const api = new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'));
  const logger = {
    info: () => undefined,
    warn: (_: object, m: string) => {
      logged.push(m);
    },
    error: (_: object, m: string) => {
      logged.push(m);
    },
  };
  const notifier = createMattermostNotifier({ api, clock: systemClock, logger, pacer: new ServerPacer({ clock: systemClock, ceilingPerSecond: 20 }) });
  return createChatResponder({ pipeline, notifier, signer: createHmacSigner('chat-test-key'), publicUrl: 'http://127.0.0.1:1', logger });
}

describe('the chat responder', () => {
  it('a progress post the server refuses is logged, not an unhandled rejection, and the command still ends', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const logged: string[] = [];
    // A channel id of the right shape that does not exist: every post to it is refused.
    const { done } = responderOn(h.pipeline, logged).respond(
      { caller: terminalAlice, target: { channelId: 'x'.repeat(26) }, text: 'scale mattermost 3' },
      true,
    );
    const reply = await done;
    expect(reply).toBeUndefined(); // the outcome could not be posted either: logged, nothing thrown
    expect(logged).toContain('could not post progress');
    expect(h.gateway.objects.get('chat/mattermost')?.spec.replicas).toBe(3);
  });

  it("an error after the early answer is sent to the requester alone, through the slash command's response_url", async () => {
    const h = createHarness();
    const slow: Pipeline = {
      ...h.pipeline,
      run: async (...args) => {
        await new Promise((r) => setTimeout(r, 300));
        return await h.pipeline.run(...args);
      },
    };
    const responseUrl = await slashResponseUrl();
    const privately = commandResponse(env('MM_URL'), responseUrl);
    expect(privately).toBeDefined();
    const alice = await openUserSocket(env('MM_URL'), env('MM_TOKEN_ALICE'));
    const since = Date.now();
    try {
      const responding = responderOn(slow, []).respond(
        { caller: terminalAlice, target: { channelId: env('MM_CHANNEL_OPS') }, text: 'status nosuch', ...(privately ? { privately } : {}) },
        true,
        20,
      );
      expect((await responding.early).kind).toBe('waiting');
      await responding.done;
      expect(await alice.waitForEphemeral(/no installation "nosuch"/)).toBeTruthy();
      const recent = await new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN')).call<{ posts: Record<string, { message: string }> }>(
        'GET',
        `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`,
      );
      expect(Object.values(recent.posts).filter((p) => p.message.includes('nosuch'))).toEqual([]);
    } finally {
      alice.close();
    }
  });

  it('takes only the hook id from a response_url: the answer goes to the configured Mattermost', () => {
    expect(commandResponse(env('MM_URL'), 'http://evil.example/hooks/commands/abc')).toBeUndefined();
    expect(commandResponse(env('MM_URL'), `http://evil.example/hooks/commands/${'a'.repeat(26)}`)).toBeDefined();
  });
});

/** Runs a real slash command (to a loopback hook of the test's own) as alice and returns its response_url. */
async function slashResponseUrl(): Promise<string> {
  const port = await freePort();
  let responseUrl = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      responseUrl = new URLSearchParams(body).get('response_url') ?? '';
      res.setHeader('Content-Type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  try {
    const trigger = `late${randomBytes(3).toString('hex')}`;
    const admin = new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
    await admin.call('POST', '/commands', {
      team_id: env('MM_TEAM_ID'),
      trigger,
      method: 'P',
      url: `http://127.0.0.1:${port}/hooks/slash`,
      display_name: 'late',
    });
    await new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE')).call('POST', '/commands/execute', {
      channel_id: env('MM_CHANNEL_OPS'),
      team_id: env('MM_TEAM_ID'),
      command: `/${trigger} status`,
    });
    return responseUrl;
  } finally {
    server.close();
  }
}
