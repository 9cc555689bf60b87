/**
 * A card: the structured twin of a reply, for the companion webapp plugin (issue 15,
 * docs/mattermost.md). A verb or keeper that has one sets `Reply.card`; the Mattermost adapter
 * then posts with type `custom_matterops_<kind>` and the card in `props.matterops` when the plugin
 * is active, and as a plain post (message and attachments) when it is not. The plugin imports these
 * types (types only), so the bot and the plugin cannot drift; it validates every card against its own
 * schema and falls back to the post's plain text when one does not match, so a card never crashes it.
 *
 * Values are already worded by the core (ages, versions, verdicts) so the plugin only lays them out;
 * times that a card shows counting ("since 7 min") are ISO strings the plugin reads against its clock.
 * Bump `cardVersion` when a field changes meaning; adding an optional field does not need it.
 */
import type { Tone } from './reply.ts';

export const cardVersion = 1;

/** What `props.matterops` holds on a custom post. */
export interface CardProps {
  v: typeof cardVersion;
  card: Card;
}

export type Card = StatusCard | ChangeCard | IncidentCard | DigestCard;
export type CardKind = Card['kind'];
export const cardKinds: readonly CardKind[] = ['status', 'change', 'incident', 'digest'];

/** The post type a card is posted with. */
export const cardPostType = (kind: CardKind): string => `custom_matterops_${kind}`;

export interface CardPod {
  name: string;
  /** `Running`, `CrashLoopBackOff`, `Terminating`... */
  phase: string;
  ready: boolean;
  restarts: number;
  /** `3m`. */
  age: string;
  node: string;
  /** `OOMKilled`, or `-`. */
  lastTermination: string;
}

export interface CardWarning {
  age: string;
  /** `Pod/mattermost-abc`. */
  object: string;
  reason: string;
  message: string;
}

/** `status <name>`. */
export interface StatusCard {
  kind: 'status';
  tone: Tone;
  /** `chat/mattermost`. */
  installation: string;
  /** The operator's `status.state`: `stable`, `reconciling`, or `not reconciled yet`. */
  state: string;
  /** The one-line verdict the reply heads with. */
  verdict: string;
  /** `9.9.0`, or `9.8.1 -> 9.9.0 (wanted)`. */
  version: string;
  replicas: { desired: number; ready: number; updated: number };
  pods: CardPod[];
  warnings: CardWarning[];
  /** `2 h ago`, `none`; absent when backups are off. */
  lastBackup?: string;
  endpoint: string;
}

export type CardStepState = 'pending' | 'running' | 'done' | 'failed';

/** A change being applied: the post is edited as its steps fill in. */
export interface ChangeCard {
  kind: 'change';
  tone: Tone;
  installation: string;
  /** `scale chat/mattermost 2 -> 3`. */
  title: string;
  /** Who asked, as chat names them (`@alice`). */
  requester: string;
  steps: { label: string; state: CardStepState; detail?: string }[];
  /** Set once the change has ended: what the last line of the post says. */
  outcome?: { ok: boolean; text: string };
}

/** One incident's root post, edited to the current state. */
export interface IncidentCard {
  kind: 'incident';
  tone: Tone;
  severity: 'critical' | 'warning';
  /** Absent for an Alertmanager group about no installation. */
  installation?: string;
  /** `CRITICAL chat/mattermost: crash loop`. */
  headline: string;
  /** ISO time the incident began. */
  since: string;
  /** ISO time it resolved; absent while open. */
  resolvedAt?: string;
  /** The evidence, as the root lists it (exit code, reason, scheduler message, image...). */
  evidence: { label: string; value: string }[];
  /** What the thread has said, oldest first. */
  timeline: { at: string; text: string }[];
  /** The change-aware note ("began 2 min after @alice's upgrade 9.8.1 -> 9.9.0"). */
  change?: string;
  /** The previous container's log a crash loop's or an OOM kill's root shows (log-tail.ts); absent for other incidents. */
  logTail?: CardLogTail;
}

/** The last lines of a pod's previous container, redacted as the root shows them; or why there are none. */
export type CardLogTail =
  | {
      pod: string;
      container: string;
      /** Oldest first. */
      lines: string[];
      /** The read stopped at its byte limit before the log's end: the newest lines are missing. */
      cut?: boolean;
    }
  | {
      pod: string;
      container: string;
      /** `no previous container`, `no answer within 3 s`. */
      unavailable: string;
    };

export type CardHealth = 'GREEN' | 'WATCH' | 'RED';

/** A status digest: the header, then installations worst first. */
export interface DigestCard {
  kind: 'digest';
  tone: Tone;
  header: CardHealth;
  /** `Status digest`, `Digest preview`. */
  title: string;
  /** `2 red, 1 watch, 5 green`. */
  counts: string;
  note?: string;
  rows: {
    installation: string;
    health: CardHealth;
    verdict: string;
    version: string;
    /** `2/2`. */
    ready: string;
    /** Open incidents, each worded (`crash loop, 7 min`). */
    incidents: string[];
  }[];
}
