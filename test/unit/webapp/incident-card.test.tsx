// @vitest-environment jsdom
/** The incident card counts how long it has been open and shows the thread's timeline (issue 15). */
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture } from './fixtures.ts';
import { renderPost } from './render.tsx';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-02T10:07:00Z'));
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('the incident card', () => {
  it('counts since when it is open, and keeps counting', () => {
    const { container } = renderPost(fixture('incident-open-critical'));
    expect(screen.getByText('open for 7 min')).toBeDefined();
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(screen.getByText('open for 8 min')).toBeDefined();
    expect(container.querySelector('.matterops-incident')?.getAttribute('data-severity')).toBe('critical');
    expect((container.querySelector('.matterops-card') as HTMLElement).style.borderLeft).toContain('rgb(210, 75, 78)');
  });

  it('shows the evidence, the change note and the timeline, oldest first', () => {
    const { container } = renderPost(fixture('incident-open-critical'));
    expect(screen.getByText('code 137 (OOMKilled)')).toBeDefined();
    expect(container.querySelector('.matterops-change-note')?.textContent).toContain('upgrade 9.8.1 -> 9.9.0');
    expect([...container.querySelectorAll('.matterops-timeline li')].map((li) => li.textContent)).toEqual([
      '10:00 UTCopened: mattermost-6c9d8f7b5-a1b2c restarting (3 restarts in 5 min)',
      '10:04 UTCmattermost-6c9d8f7b5-d3e4f joined: CrashLoopBackOff',
    ]);
  });

  it('once resolved, says after how long, in the good colour, and stops counting', () => {
    const { container } = renderPost(fixture('incident-resolved-warning'));
    expect(screen.getByText('resolved after 22 min')).toBeDefined();
    expect(container.querySelector('.matterops-incident')?.getAttribute('data-resolved')).toBe('true');
    expect((container.querySelector('.matterops-card') as HTMLElement).style.borderLeft).toContain('rgb(61, 184, 135)');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('turns from open to resolved when the bot edits the root', () => {
    const open = fixture('incident-open-critical');
    const { rerenderPost } = renderPost(open);
    const card = (open.props.matterops as { card: Record<string, unknown> }).card;
    card.resolvedAt = '2026-12-02T10:06:00.000Z';
    rerenderPost({ ...open, props: { ...open.props, matterops: { v: 1, card: { ...card } } } });
    expect(screen.getByText('resolved after 6 min')).toBeDefined();
  });

  it("shows the previous container's log as monospace lines under its pod and container, apart from the change note", () => {
    const { container } = renderPost(fixture('incident-bot-log-tail'));
    const tail = container.querySelector('.matterops-log-tail');
    expect(tail?.getAttribute('data-available')).toBe('true');
    expect(tail?.textContent).toContain('previous log of mattermost-5d8f7c9b4-xxxx0, mattermost');
    const lines = container.querySelector('pre.matterops-log-lines') as HTMLElement;
    expect(lines.textContent?.split('\n')).toEqual([
      '{"level":"error","msg":"Failed to ping DB","error":"dial tcp 10.0.0.9:5432: connect: connection refused"}',
      '{"level":"fatal","msg":"Error starting server"}',
    ]);
    expect(lines.style.fontFamily).toContain('monospace');
    expect(container.querySelector('.matterops-change-note')?.textContent).toBe("began 2 min after @alice's upgrade chat/mattermost 9.8.1 -> 9.9.0");
  });

  it('says why a log tail is not available, and shows at most 50 lines, the newest', () => {
    const post = fixture('incident-bot-log-tail');
    const card = (post.props.matterops as { card: Record<string, unknown> }).card;
    const { container, rerenderPost } = renderPost({
      ...post,
      props: { ...post.props, matterops: { v: 1, card: { ...card, logTail: { pod: 'mm-a', container: 'mattermost', unavailable: 'no previous container' } } } },
    });
    expect(container.querySelector('.matterops-log-tail')?.textContent).toBe('log tail: not available (no previous container)');
    expect(container.querySelector('pre.matterops-log-lines')).toBeNull();
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i}`);
    rerenderPost({
      ...post,
      props: { ...post.props, matterops: { v: 1, card: { ...card, logTail: { pod: 'mm-a', container: 'mattermost', lines, cut: true } } } },
    });
    const shown = container.querySelector('pre.matterops-log-lines')?.textContent?.split('\n');
    expect(shown).toHaveLength(50);
    expect([shown?.[0], shown?.at(-1)]).toEqual(['line 10', 'line 59']);
    expect(container.querySelector('.matterops-log-tail')?.textContent).toContain('10 earlier in the post');
    expect(container.querySelector('.matterops-log-tail')?.textContent).toContain('the newest lines were past the read limit');
  });
});
