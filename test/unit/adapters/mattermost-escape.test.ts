/**
 * Issue 9, item 8: text from users is escaped in posts. The reply model's blocks are plain text;
 * the Mattermost renderer makes them safe: no @all/@channel/@here and no links can be made to come
 * from the bot, code fences cannot be closed from inside, table cells cannot break their table.
 */
import { describe, expect, it } from 'vitest';
import { createChatResponder, type ChatNotifier } from '../../../src/adapters/mattermost/chat-responder.ts';
import { existingPost } from '../../../src/core/ports/notifier.ts';
import { renderMarkdown, renderPost } from '../../../src/adapters/mattermost/render-post.ts';
import { splitMessage } from '../../../src/adapters/mattermost/split-message.ts';
import { createHmacSigner } from '../../../src/adapters/crypto/hmac-signer.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import type { Outcome, Pipeline } from '../../../src/core/pipeline.ts';
import type { RunOptions } from '../../../src/core/run-options.ts';
import { code, fields, heading, reply, table, text, type Reply } from '../../../src/core/reply.ts';

const hostile =
  'hi @here and @ALL and @channel and @sre-team and @alice.b, or @_ops_, see [click](http://evil.example/x) or https://evil.example or www.evil.example, mail a@evil.example';
const everything = (r: Reply): string => {
  const p = renderPost(r);
  return [p.message, ...p.props.attachments.map((a) => a.text)].join('\n');
};

/** What Mattermost would turn into a notification or a link, outside code. */
function expectInert(markdown: string): void {
  expect(markdown).not.toMatch(/@(here|all|channel)\b/i);
  expect(markdown).not.toMatch(/https?:\/\//);
  expect(markdown).not.toMatch(/\bwww\./);
  expect(markdown).not.toMatch(/(?<!\\)\](?=\()/);
  expect(markdown).not.toMatch(/[a-z]@[a-z]/i);
  // Any @name outside code: a user, or a custom group on a licensed server (@sre-team).
  expect(markdown.replace(/^(`{3,})\n[\s\S]*?\n\1$/gm, '')).not.toMatch(/@[\\A-Za-z0-9._-]/);
}

describe('user text in posts', () => {
  it.each([
    ['a heading', reply('warning', heading(hostile))],
    ['a text block', reply('warning', text('first'), text(hostile))],
    ['the first line', reply('warning', text(hostile))],
    ['fields', reply('info', text('x'), fields([{ label: hostile, value: hostile }]))],
    ['a table', reply('info', text('x'), table(['name', hostile], [[hostile, 'ok']]))],
    ['a code block', reply('info', text('x'), code(`@here and @channel`))],
  ])('in %s makes no mention and no link', (_, r) => {
    expectInert(everything(r));
    expectInert(renderMarkdown(r));
  });

  it('keeps the words readable: only an invisible separator is added', () => {
    const shown = everything(reply('warning', text(hostile)))
      .replaceAll('\u200B', '')
      .replaceAll('\\', '');
    expect(shown).toBe(hostile);
  });

  it('cannot close a code fence from inside', () => {
    const body = 'before\n```\n**not bold** @here\n````\nafter';
    const post = renderPost(reply('info', text('logs'), code(body)));
    const rendered = post.props.attachments[0]?.text ?? '';
    const fence = /^(`{3,})\n/.exec(rendered)?.[1] ?? '';
    expect(fence.length).toBeGreaterThan(4);
    expect(rendered.endsWith(`\n${fence}`)).toBe(true);
    expect(rendered.slice(fence.length, -fence.length)).not.toContain(fence);
  });

  it('cannot close bold or make emphasis from a heading or text', () => {
    expect(renderPost(reply('info', heading('a** @here **b _c_ `d`'))).message).toBe('**a\\*\\* @\u200Bhere \\*\\*b \\_c\\_ \\`d\\`**');
  });

  it('keeps table cells in their cell: pipes, line breaks and backticks', () => {
    const rendered = renderMarkdown(reply('info', table(['a', 'b'], [['x | y\nz `w`', 'ok']])));
    const rows = rendered.split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toBe('| x \\| y z \\`w\\` | ok |');
  });

  it("makes no group or user mention: every @name gets the separator, the bot's own @alice too", () => {
    expect(renderMarkdown(reply('info', text('ask @sre-team or @on_call.team')))).toBe('ask @\u200Bsre-team or @\u200Bon_call.team');
    expect(renderMarkdown(reply('info', fields([{ label: 'by', value: '@alice' }])))).toBe('**by:** @\u200Balice');
    // An escape after the @ is no way round: Mattermost reads @\_ops as @_ops.
    expect(renderMarkdown(reply('info', text('@_ops_')))).toBe('@\u200B\\_ops\\_');
  });

  it('mentions in a code block are inert, e-mail addresses and annotations in logs stay as they were', () => {
    const rendered = renderMarkdown(reply('info', code('paged @sre-team, x.@here\n@Override by alice@example.com')));
    expect(rendered).toBe('```\npaged @\u200Bsre-team, x.@\u200Bhere\n@\u200BOverride by alice@example.com\n```');
  });

  it('escapes an underscore by the characters around it, not by those of the text before escaping', () => {
    expect(renderMarkdown(reply('info', text('``_italic_')))).toBe('\\`\\`\\_italic\\_');
    expect(renderMarkdown(reply('info', text('**_bold italic_**')))).toBe('\\*\\*\\_bold italic\\_\\*\\*');
    expect(renderMarkdown(reply('info', text('MM_SQLSETTINGS and `a`_b')))).toBe('MM_SQLSETTINGS and \\`a\\`\\_b');
  });
});

describe('long messages with long fences', () => {
  it('close and reopen the same fence at a cut', () => {
    const fence = '`````';
    const long = `${fence}\n${Array.from({ length: 3000 }, (_, i) => `line ${i} \`\`\` ${'x'.repeat(10)}`).join('\n')}\n${fence}`;
    const parts = splitMessage(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      const body = part.replace(/\n_\(part \d+\/\d+\)_$/, '');
      expect(body.startsWith(fence), body.slice(0, 20)).toBe(true);
      expect(body.endsWith(`\n${fence}`), body.slice(-20)).toBe(true);
    }
  });
});

describe('the progress post of a command', () => {
  it('echoes the command masked and escaped, before its first post', async () => {
    const made: string[] = [];
    const delivered = Promise.resolve({ ok: true as const, postId: 'p1' });
    const notifier: ChatNotifier = {
      post: () => existingPost('c1', 'p1'),
      edit: () => delivered,
      postText: (_to, message) => {
        made.push(message);
        return existingPost('c1', 'p1');
      },
      editText: (_post, message) => {
        made.push(message);
        return delivered;
      },
    };
    const run = (_input: unknown, _caller: unknown, options?: RunOptions): Promise<Outcome> => {
      options?.progress?.('applied: env ~MM_X=***');
      options?.progress?.('ready 1/2');
      return Promise.resolve({ reply: reply('good', text('done')), durationMs: 1 });
    };
    const pipeline: Pipeline = { run, runOperation: run };
    // Only the progress line is under test: the rest of the responder's deps are inert stand-ins.
    const deps = {
      pipeline,
      notifier,
      signer: createHmacSigner('k'),
      publicUrl: 'http://bot',
      logger: silentLogger,
      tellPrivately: () => Promise.resolve(true),
    };
    const responder = createChatResponder(deps);
    const { done } = responder.respond(
      {
        caller: { id: 'u1', name: '@alice', via: 'mattermost' } as never,
        target: { channelId: 'c1' },
        text: 'env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:EchoPw1@db/x MM_PLAIN=@here',
      },
      false,
    );
    await done;
    expect(made.length).toBeGreaterThan(0);
    for (const message of made) {
      expect(message).not.toContain('EchoPw1');
      expect(message).not.toMatch(/@here/);
      expect(message).toContain('MM_SQLSETTINGS_DATASOURCE=\\*\\*\\*');
    }
  });
});
