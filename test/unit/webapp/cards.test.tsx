// @vitest-environment jsdom
/** Each card from each shared fixture, in a DOM (issue 15): what a user would read, and the fallback. */
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cardKinds, cardPostType } from '../../../src/core/card.ts';
import { fixture, malformed, valid } from './fixtures.ts';
import { registered, renderPost } from './render.tsx';

afterEach(cleanup);

describe('the plugin registers', () => {
  it('one post type component per card kind', () => {
    expect([...registered().keys()]).toEqual(cardKinds.map(cardPostType));
  });
});

describe('every valid fixture', () => {
  it.each(valid.map((f) => [f.name, f.post] as const))('%s renders as its card, not as plain text', (_, post) => {
    const { container } = renderPost(post);
    const kind = post.type.replace('custom_matterops_', '');
    expect(container.querySelector(`.matterops-card.matterops-${kind}`)).not.toBeNull();
    expect(container.querySelector('.matterops-plain')).toBeNull();
  });
});

describe('a malformed card', () => {
  it.each(malformed.map((f) => [f.name, f.post] as const))('%s shows the post as plain text', (_, post) => {
    const { container } = renderPost(post);
    expect(container.querySelector('.matterops-card')).toBeNull();
    expect(container.querySelector('.matterops-plain')?.textContent).toContain(post.message);
  });

  it("shows the attachments' text with the message (the web app draws no attachments for a plugin's post type)", () => {
    const { container } = renderPost(fixture('malformed-no-matterops'));
    expect(container.querySelector('.matterops-plain-attachment')?.textContent).toContain('**replicas:** 2 desired, 2 ready, 2 updated');
  });

  it('whose props throw when read shows the message instead of breaking the channel', () => {
    const post = fixture('status-stable');
    const props = { ...post.props };
    Object.defineProperty(props, 'matterops', {
      get() {
        throw new Error('boom');
      },
    });
    const reactSaid = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { container } = renderPost({ ...post, props });
    expect(container.querySelector('.matterops-plain')?.textContent).toContain('**chat/mattermost: stable**');
    expect(reactSaid).toHaveBeenCalled();
    reactSaid.mockRestore();
  });
});

describe('the status card', () => {
  it('shows the state pill, the replicas as a bar and in words, the pods, the warnings and the last backup', () => {
    renderPost(fixture('status-rolling-warnings'));
    expect(screen.getByText('reconciling').className).toBe('matterops-pill');
    expect(screen.getByRole('img', { name: '2 of 3 ready, 1 updated' })).toBeDefined();
    expect(screen.getByText('3 desired, 2 ready, 1 updated')).toBeDefined();
    const pods = screen.getByRole('table');
    expect(within(pods).getAllByRole('row')).toHaveLength(4);
    expect(within(pods).getByText('CrashLoopBackOff')).toBeDefined();
    expect(within(pods).getByText('OOMKilled')).toBeDefined();
    expect(screen.getByText('2 warnings')).toBeDefined();
    expect(screen.getByText(/Back-off restarting failed container/)).toBeDefined();
    expect(document.querySelector('.matterops-last-backup')?.textContent).toBe('none');
    expect(document.querySelector('.matterops-version')?.textContent).toBe('9.8.1 -> 9.9.0 (wanted)');
  });

  it('fills the bar by the share of ready and updated replicas', () => {
    const { container } = renderPost(fixture('status-rolling-warnings'));
    expect((container.querySelector('.matterops-replicas-ready') as HTMLElement).style.width).toBe('66.7%');
    expect((container.querySelector('.matterops-replicas-updated') as HTMLElement).style.width).toBe('33.3%');
  });

  it('says so when there are no warnings, and leaves out the backup line when backups are off', () => {
    const post = fixture('status-stable');
    delete (post.props.matterops as { card: { lastBackup?: string } }).card.lastBackup;
    renderPost(post);
    expect(screen.getByText('No recent warnings.')).toBeDefined();
    expect(document.querySelector('.matterops-last-backup')).toBeNull();
  });
});

describe('the change card', () => {
  it('fills its steps in as the bot edits the post', () => {
    const { container, rerenderPost } = renderPost(fixture('change-running'));
    const states = () => [...container.querySelectorAll('.matterops-step')].map((li) => li.getAttribute('data-state'));
    expect(states()).toEqual(['done', 'done', 'running', 'pending']);
    expect(container.querySelector('.matterops-outcome')).toBeNull();
    expect(screen.getByText(/ready 2\/3/)).toBeDefined();
    rerenderPost(fixture('change-done'));
    expect(states()).toEqual(['done', 'done', 'done', 'done']);
    expect(container.querySelector('.matterops-outcome')?.textContent).toBe('done, stable 3/3');
    expect(screen.getByText(/ready 3\/3 after 41 s/)).toBeDefined();
  });

  it('shows a failed step and the outcome that says what to do', () => {
    const { container } = renderPost(fixture('change-failed'));
    expect(container.querySelector('[data-state="failed"]')?.textContent).toContain('not stable after 10 min');
    expect(container.querySelector('.matterops-outcome')?.textContent).toContain('undo with /k8s upgrade mattermost 9.8.1');
  });

  it('goes back from the plain text to the card when an edit brings a valid card', () => {
    const { container, rerenderPost } = renderPost(fixture('malformed-missing-field'));
    expect(container.querySelector('.matterops-plain')).not.toBeNull();
    rerenderPost(fixture('status-stable'));
    expect(container.querySelector('.matterops-status')).not.toBeNull();
  });
});

describe('the digest card', () => {
  it('puts the worst installations first, keeping the order within a colour', () => {
    const { container } = renderPost(fixture('digest-unsorted-long'));
    expect([...container.querySelectorAll('.matterops-digest-row')].map((r) => r.getAttribute('data-health'))).toEqual(['RED', 'WATCH', 'GREEN']);
    expect(container.querySelector('.matterops-digest-row strong')?.textContent).toBe('chat/mattermost');
  });

  it('heads with GREEN, WATCH or RED and the counts', () => {
    const { container } = renderPost(fixture('digest-red'));
    expect(container.querySelector('.matterops-digest')?.getAttribute('data-header')).toBe('RED');
    expect(screen.getByText('1 red, 1 watch, 2 green')).toBeDefined();
    expect(screen.getByText('crash loop, 7 min; OOM kill, 9 min')).toBeDefined();
  });
});

describe('long values', () => {
  it.each(['status-long-values', 'digest-unsorted-long'])('%s: every long text is shown whole and may wrap anywhere', (name) => {
    const post = fixture(name);
    const { container } = renderPost(post);
    const card = (post.props.matterops as { card: { installation?: string; rows?: { installation: string }[] } }).card;
    const longName = card.installation ?? card.rows!.map((r) => r.installation).sort((a, b) => b.length - a.length)[0]!;
    const holder = [...container.querySelectorAll<HTMLElement>('*')].find((el) => el.textContent === longName);
    expect(holder).toBeDefined();
    // overflow-wrap is inherited: the text itself or a box around it inside the card allows it.
    const wrapping: string[] = [];
    for (let el: HTMLElement | null = holder!; el && el !== container; el = el.parentElement) wrapping.push(el.style.overflowWrap);
    expect(wrapping).toContain('anywhere');
    expect((container.querySelector('.matterops-card') as HTMLElement).style.maxWidth).toBe('100%');
  });
});

describe('theme', () => {
  it("draws the card in the web app's theme colours", () => {
    const { container } = renderPost(fixture('status-stable'), { centerChannelBg: '#1f1f1f', centerChannelColor: '#dddddd', onlineIndicator: '#00ff00' });
    const card = container.querySelector('.matterops-card') as HTMLElement;
    expect(card.style.background).toBe('rgb(31, 31, 31)');
    expect(card.style.color).toBe('rgb(221, 221, 221)');
    expect(card.style.borderLeft).toContain('rgb(0, 255, 0)');
  });

  it('falls back to the default theme for a missing or odd colour', () => {
    const { container } = renderPost(fixture('status-stable'), { centerChannelBg: 42 as unknown as string });
    expect((container.querySelector('.matterops-card') as HTMLElement).style.background).toBe('rgb(255, 255, 255)');
  });
});
