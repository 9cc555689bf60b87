/**
 * The inverse of a change is decided when it is planned and carried by its `applied` audit entry
 * (issue 12, change-aware roots): scale and upgrade have one, from the installation as it was;
 * verbs without a clean inverse carry none. Each case runs the verb through the whole pipeline.
 */
import { describe, expect, it } from 'vitest';
import { undoCommand, undoOf } from '../../../src/core/model/undo.ts';
import { createHarness, type Harness } from '../../support/core-harness.ts';

const codeOf = (text: string): string => /confirm ([0-9a-f]{8})/.exec(text)?.[1] ?? '';
const appliedUndo = (h: Harness): unknown => h.audit.entries.find((e) => e.phase === 'applied')?.undo;

/** Runs a command, confirming it when it asks. */
async function applied(h: Harness, command: string, confirmWord = ''): Promise<void> {
  const first = await h.run(command);
  if (first.reply.pending) await h.run(`confirm ${codeOf(first.text)} ${confirmWord}`.trim());
  expect(h.audit.entries.map((e) => e.phase)).toContain('applied');
}

describe('the undo of a change', () => {
  it('scale: back to the replicas before', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    await applied(h, 'scale mattermost 3');
    expect(appliedUndo(h)).toEqual({ verb: 'scale', positionals: ['mattermost', '2'], flags: {} });
    // Only the applied step carries it: the request, the outcome and the refusals do not.
    expect(h.audit.entries.filter((e) => e.undo).map((e) => e.phase)).toEqual(['applied']);
  });

  it('upgrade: back to the version before, the image left alone', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { version: '9.8.1' });
    await applied(h, 'upgrade mattermost 9.9.0');
    expect(appliedUndo(h)).toEqual({ verb: 'upgrade', positionals: ['mattermost', '9.8.1'], flags: {} });
  });

  it('upgrade --image: back to the version and the repository before', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { version: '9.8.1' });
    await applied(h, 'upgrade mattermost 9.9.0 --image mattermost/mattermost-team-edition');
    expect(appliedUndo(h)).toEqual({ verb: 'upgrade', positionals: ['mattermost', '9.8.1'], flags: { image: 'mattermost/mattermost-enterprise-edition' } });
  });

  it("upgrade --image on a CR that named no image: back to the operator's default repository", async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { version: '9.8.1' });
    delete (h.gateway.objects.get('chat/mattermost')!.spec as { image?: string }).image;
    await applied(h, 'upgrade mattermost 9.9.0 --image mattermost/mattermost-team-edition');
    expect(appliedUndo(h)).toEqual({ verb: 'upgrade', positionals: ['mattermost', '9.8.1'], flags: { image: 'mattermost/mattermost-enterprise-edition' } });
  });

  it.each([
    ['restart', 'restart mattermost', ''],
    ['env', 'env mattermost set FOO=bar', ''],
    ['delete', 'delete mattermost', 'mattermost'],
  ])('%s has no clean inverse: none', async (_, command, confirmWord) => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    await applied(h, command, confirmWord);
    expect(appliedUndo(h)).toBeUndefined();
  });

  it('is typed where the change was made, and refuses words the grammar would split', () => {
    const undo = undoOf('scale', ['mattermost', '2'])!;
    expect(undoCommand(undo, { namespace: 'chat', cluster: 'prod' })).toBe('scale mattermost 2 -n chat --cluster prod');
    expect(
      undoCommand(undoOf('upgrade', ['mm', '9.8.1'], { image: 'mattermost/mattermost-enterprise-edition' })!, { namespace: 'chat', cluster: 'prod' }),
    ).toBe('upgrade mm 9.8.1 --image mattermost/mattermost-enterprise-edition -n chat --cluster prod');
    expect(undoOf('scale', ['mattermost', '2 --yes'])).toBeUndefined();
    expect(undoCommand(undo, { namespace: 'chat', cluster: 'a b' })).toBeUndefined();
  });
});
