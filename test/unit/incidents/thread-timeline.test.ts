/** An incident thread's timeline (thread-timeline.ts): the beginning, then the newest replies, bounded. */
import { describe, expect, it } from 'vitest';
import { began, timelineEntryChars, timelineKept, withReply } from '../../../src/core/incidents/thread-timeline.ts';
import { fields, reply, text } from '../../../src/core/reply.ts';

const at = (s: number): Date => new Date(Date.UTC(2026, 10, 27, 9, 0, s));

describe('thread timeline', () => {
  it('says when the incident began, then each reply by its first line', () => {
    const start = began({ since: at(0), title: 'crash loop (1 pod)', severity: 'critical' });
    const next = withReply(start, at(10), reply('danger', text('now: crash loop (2 pods) (critical)\nmore'), fields([{ label: 'affected', value: 'a, b' }])));
    expect(next).toEqual([
      { at: at(0), text: 'began: crash loop (1 pod) (critical)' },
      { at: at(10), text: 'now: crash loop (2 pods) (critical)' },
    ]);
    expect(start).toHaveLength(1); // not changed in place: the record read stays as it was
  });

  it('keeps the beginning and the newest replies: a flapping incident does not grow its record', () => {
    let timeline = began({ since: at(0), title: 'crash loop', severity: 'warning' });
    for (let i = 1; i <= 30; i++) timeline = withReply(timeline, at(i), reply('warning', text(`update ${i}`)));
    expect(timeline).toHaveLength(timelineKept);
    expect(timeline[0]?.text).toBe('began: crash loop (warning)');
    expect(timeline.slice(1).map((e) => e.text)).toEqual(Array.from({ length: timelineKept - 1 }, (_, i) => `update ${30 - timelineKept + 2 + i}`));
  });

  it(`keeps at most ${timelineEntryChars} characters of an entry, an ellipsis ending a longer one`, () => {
    const start = began({ since: at(0), title: 'x'.repeat(500), severity: 'critical' });
    expect(start[0]!.text).toHaveLength(timelineEntryChars);
    expect(start[0]!.text.endsWith('…')).toBe(true);
    const next = withReply(start, at(1), reply('warning', text(`now: ${'y'.repeat(1000)}`)));
    expect(next[1]!.text).toBe(`now: ${'y'.repeat(timelineEntryChars - 6)}…`);
    expect(withReply(start, at(1), reply('warning', text('short')))[1]!.text).toBe('short');
  });
});
