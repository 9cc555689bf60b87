/** Replies of the change pipeline: the plan, the confirmation request, the outcome. */
import { code, fields, heading, reply, text, type Block, type PendingConfirmation, type Reply } from '../reply.ts';
import { redactSecrets } from '../text/redact.ts';
import { outcomeCard } from './change-card.ts';
import type { FollowOutcome } from './follow.ts';
import type { ChangePlan } from './plan.ts';

export function planBlocks(plan: ChangePlan): Block[] {
  const { draft } = plan;
  return [
    heading(`${plan.verb} ${draft.target.namespace}/${draft.target.name} (${draft.risk}, cluster ${draft.target.cluster})`),
    code(plan.diff.length ? plan.diff.join('\n') : '(no difference in what matterops shows)'),
    ...draft.notes.map(text),
  ];
}

export function dryRunReply(plan: ChangePlan): Reply {
  return reply('info', ...planBlocks(plan), text('Dry run: the apiserver accepted this change; nothing was changed.'));
}

export function confirmReply(plan: ChangePlan, pending: PendingConfirmation): Reply {
  const word = pending.confirmWord ? ` ${pending.confirmWord}` : '';
  const who = pending.needsApprover ? `a second person (not ${plan.requester.name})` : plan.requester.name;
  const expires = pending.expiresAt.toISOString().slice(11, 19);
  return {
    ...reply(
      plan.draft.risk === 'danger' ? 'danger' : 'warning',
      ...planBlocks(plan),
      fields([
        { label: 'confirm', value: `confirm ${pending.code}${word}` },
        { label: 'by', value: who },
        { label: 'expires', value: `${expires} UTC` },
      ]),
      // A plan confirmed by typing the name (delete) gets no Confirm button: a click is too easy.
      {
        kind: 'actions',
        actions: [
          ...(pending.confirmWord
            ? []
            : [
                {
                  id: 'confirm',
                  label: pending.needsApprover ? 'Approve' : 'Confirm',
                  style: plan.draft.risk === 'danger' ? ('danger' as const) : ('primary' as const),
                },
              ]),
          { id: 'cancel', label: 'Cancel', style: 'default' as const },
        ],
      },
    ),
    pending,
  };
}

/** An outcome's text can quote a pod's termination message or an apiserver error: masked, as the audit Event is. */
export const shownOutcome = (outcome: FollowOutcome): FollowOutcome => ({ ...outcome, text: redactSecrets(outcome.text) });

/** The runner Jobs' reports that the heading does not already say. */
const jobReports = (outcome: FollowOutcome): string[] => (outcome.reports ?? []).filter((r) => r !== outcome.text).map(redactSecrets);

export function outcomeReply(plan: ChangePlan, result: FollowOutcome, notes: string[]): Reply {
  const outcome = shownOutcome(result);
  const answer = outcomeBlocks(plan, outcome, notes);
  const header = {
    tone: answer.tone,
    installation: `${plan.draft.target.namespace}/${plan.draft.target.name}`,
    title: redactSecrets(plan.draft.summary),
    requester: plan.requester.name,
  };
  const headline = answer.blocks[0]?.kind === 'heading' ? answer.blocks[0].text : outcome.text;
  return { ...answer, card: outcomeCard(header, { ok: outcome.status === 'succeeded', text: headline }) };
}

function outcomeBlocks(plan: ChangePlan, outcome: FollowOutcome, notes: string[]): Reply {
  const what = `${plan.verb} ${plan.draft.target.namespace}/${plan.draft.target.name}`;
  switch (outcome.status) {
    case 'succeeded':
      return reply(
        'good',
        heading(`${what}: done, ${outcome.text}`),
        code(plan.diff.join('\n')),
        ...[...jobReports(outcome), ...notes, ...(plan.draft.doneNotes ?? [])].map(text),
      );
    case 'failed':
      return { ...reply('danger', heading(`${what}: failed`), ...[...jobReports(outcome), outcome.text, ...notes].map(text)), error: 'unavailable' };
    case 'timed-out':
      return {
        ...reply(
          'danger',
          heading(`${what}: not done by the deadline`),
          code(outcome.text),
          ...notes.map(text),
          text('The change was applied; the operator is still working on it or stuck. Type status for the latest.'),
        ),
        error: 'unavailable',
      };
  }
}
