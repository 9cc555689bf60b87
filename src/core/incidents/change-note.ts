/**
 * The change-aware note of an incident's root (issue 12, Threads): the newest matterops change
 * applied to its installation within `changeWindowMs` before the incident began, who made it, from
 * where, and, when the change has a clean inverse (model/undo.ts), the command that undoes it and
 * an Undo button that runs that command through the pipeline as whoever clicks it. The audit log
 * is read once per incident, not at every edit of its root; an incident with no such change gets
 * no note.
 */
import { undoCommand } from '../model/undo.ts';
import type { AuditEntry, AuditLog } from '../ports/audit-log.ts';
import type { Logger } from '../ports/logger.ts';
import { text, type Block } from '../reply.ts';
import { excerpt } from '../text/excerpt.ts';
import type { Incident } from './incident.ts';
import { spoken } from './incident-replies.ts';

export interface ChangeNoteDeps {
  /** The audit log of the cluster the incidents are watched in. */
  audit: AuditLog;
  /** That cluster's context name: an undo is offered only for a change made there. */
  cluster: string;
  /** How long before an incident's start a change still counts (Thresholds.changeWindowMs). */
  windowMs: number;
  logger: Logger;
}

/** What a root adds for an incident: nothing, or the note's lines and its Undo button. */
export type ChangeNote = (incident: Incident) => Promise<Block[]>;

/** Incidents whose change is remembered; the oldest is forgotten past this many. */
const remembered = 500;
/** How much of the change's line, its requester and its origin a root shows. */
const detailShown = 160;
const nameShown = 64;

/** `14:02 UTC`: the root already shows the incident's date. */
const clockTime = (d: Date): string => `${d.toISOString().slice(11, 16)} UTC`;

/** The newest change applied to the incident's installation in the window before it began. */
async function changeBefore(deps: ChangeNoteDeps, incident: Incident): Promise<AuditEntry | undefined> {
  const { installation } = incident;
  if (!installation) return undefined;
  const began = incident.since.getTime();
  const entries = await deps.audit.query({
    namespace: installation.namespace,
    installation: installation.name,
    since: new Date(began - deps.windowMs),
  });
  // Oldest first; an Event about the bot's own ConfigMap of that name is no change to the installation.
  // An entry the bot did not sign could name anyone and any undo: the note is only the bot's word.
  return entries.filter((e) => e.phase === 'applied' && !e.unverified && e.objectKind === undefined && e.at.getTime() <= began).at(-1);
}

/**
 * The undo command, placed at the incident's own installation in the watched cluster, never where
 * the entry says: an undo about another installation or cluster is not offered.
 */
function undoFor(deps: ChangeNoteDeps, incident: Incident, change: AuditEntry): string | undefined {
  const { installation } = incident;
  if (!change.undo || !installation || change.cluster !== deps.cluster || change.undo.positionals[0] !== installation.name) return undefined;
  return undoCommand(change.undo, { namespace: installation.namespace, cluster: deps.cluster });
}

function noteBlocks(deps: ChangeNoteDeps, incident: Incident, change: AuditEntry): Block[] {
  const what = change.detail ? ` (${excerpt(change.detail, detailShown)})` : '';
  const who = `${excerpt(change.requester, nameShown)}'s ${change.verb}`;
  const lines: Block[] = [
    text(
      `Began ${spoken(incident.since.getTime() - change.at.getTime())} after ${who}${what}, applied ${clockTime(change.at)} via ${excerpt(change.via, nameShown)}.`,
    ),
  ];
  const command = undoFor(deps, incident, change);
  if (!command) return lines;
  lines.push(text(`To undo it: ${command}`));
  // The button only while the incident is open; the command stays readable after it resolved.
  if (incident.state === 'open') lines.push({ kind: 'actions', actions: [{ id: 'undo', label: 'Undo', style: 'danger', command }] });
  return lines;
}

export function createChangeNote(deps: ChangeNoteDeps): ChangeNote {
  const found = new Map<string, Promise<AuditEntry | undefined>>();
  const lookup = (incident: Incident): Promise<AuditEntry | undefined> => {
    // A relapse much later is a new start: its own look.
    const key = `${incident.key}@${incident.since.toISOString()}`;
    const known = found.get(key);
    if (known) return known;
    const look = changeBefore(deps, incident).catch((error: unknown) => {
      // Not remembered: the next edit of the root looks again. The root goes out without the note.
      found.delete(key);
      deps.logger.warn({ incident: incident.key, err: (error as Error).message }, 'the changes before an incident could not be read');
      return undefined;
    });
    found.set(key, look);
    if (found.size > remembered) found.delete(found.keys().next().value ?? '');
    return look;
  };
  return async (incident) => {
    const change = await lookup(incident);
    return change ? noteBlocks(deps, incident, change) : [];
  };
}
