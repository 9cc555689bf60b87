// @vitest-environment jsdom
/**
 * The card draws the post's attachment buttons (the web app does not, for a plugin's post type) and
 * a click posts to Mattermost's action endpoint as the web app's own buttons do.
 */
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { doPostAction, postActions } from '../../../webapp/src/post-action.ts';
import { fixture } from './fixtures.ts';
import { renderPost } from './render.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  delete window.basename;
});

interface Call {
  url: string;
  init: RequestInit;
  /** The JSON body sent. */
  body: unknown;
}

function recordingFetch(answer: () => Response): { calls: Call[]; fetch: typeof fetch } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: ((url: string, init: RequestInit) => {
      calls.push({ url, init, body: JSON.parse(init.body as string) });
      return Promise.resolve(answer());
    }) as typeof fetch,
  };
}

describe('an incident card with an Undo button', () => {
  it('shows the button and posts the click to /api/v4/posts/{post}/actions/{action}', async () => {
    document.cookie = 'MMCSRF=csrf-123';
    window.basename = '/chat';
    const server = recordingFetch(() => new Response('{"status":"OK"}', { status: 200 }));
    vi.stubGlobal('fetch', server.fetch);
    renderPost(fixture('incident-open-critical'));
    fireEvent.click(screen.getByRole('button', { name: 'Undo: upgrade mattermost 9.8.1' }));
    await waitFor(() => expect(server.calls).toHaveLength(1));
    const [call] = server.calls;
    expect(call!.url).toBe('/chat/api/v4/posts/post-incident-open-critical/actions/undo');
    expect(call!.init.method).toBe('POST');
    expect(call!.init.headers).toMatchObject({ 'X-Requested-With': 'XMLHttpRequest', 'X-CSRF-Token': 'csrf-123' });
    expect(call!.body).toEqual({ selected_option: '' });
    await waitFor(() => expect(screen.getByRole<HTMLButtonElement>('button').disabled).toBe(false));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("shows the server's refusal under the buttons", async () => {
    vi.stubGlobal('fetch', recordingFetch(() => new Response('{"message":"Unable to find the action."}', { status: 404 })).fetch);
    renderPost(fixture('incident-open-critical'));
    fireEvent.click(screen.getByRole('button'));
    expect((await screen.findByRole('alert')).textContent).toBe('Undo: upgrade mattermost 9.8.1 failed: Unable to find the action.');
  });

  it('keeps the buttons on a post shown as plain text', () => {
    const post = fixture('incident-open-critical');
    renderPost({ ...post, props: { ...post.props, matterops: { v: 99 } } });
    expect(screen.getByRole('button', { name: 'Undo: upgrade mattermost 9.8.1' })).toBeDefined();
  });
});

describe('postActions', () => {
  it('takes buttons with an id and a name, and leaves out menus and broken entries', () => {
    const props = {
      attachments: [
        { actions: [{ id: 'a', name: 'Confirm', style: 'primary' }, { id: 'm', name: 'Pick', type: 'select' }, { name: 'no id' }, 'junk'] },
        { actions: [{ id: 'c', name: 'Cancel', cookie: 'ck' }] },
        null,
      ],
    };
    expect(postActions(props)).toEqual([
      { id: 'a', name: 'Confirm', style: 'primary' },
      { id: 'c', name: 'Cancel', cookie: 'ck' },
    ]);
    expect(postActions({ attachments: 'x' })).toEqual([]);
  });

  it("sends the action's cookie when the server gave one, and says when Mattermost did not answer", async () => {
    const server = recordingFetch(() => new Response('{}'));
    await doPostAction('p1', { id: 'c', name: 'Cancel', cookie: 'ck' }, server.fetch);
    expect(server.calls[0]!.body).toEqual({ selected_option: '', cookie: 'ck' });
    const down = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    expect(await doPostAction('p1', { id: 'c', name: 'Cancel' }, down)).toBe('Cancel failed: Mattermost did not answer');
  });
});
