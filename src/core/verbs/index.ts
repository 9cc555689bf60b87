/** Every verb matterops knows, in the order `help` lists them. */
import type { Verb } from '../verb.ts';
import { audit } from './audit.ts';
import { backup } from './backup.ts';
import { backups } from './backups.ts';
import { canI } from './can-i.ts';
import { cancel, confirm } from './confirm.ts';
import { create } from './create.ts';
import { digest } from './digest.ts';
import { remove } from './delete.ts';
import { env } from './env.ts';
import { events } from './events.ts';
import { help } from './help.ts';
import { list } from './list.ts';
import { logs } from './logs.ts';
import { mute, mutes, unmute } from './mute.ts';
import { notify } from './notify.ts';
import { restart } from './restart.ts';
import { restore } from './restore.ts';
import { scale } from './scale.ts';
import { schedule } from './schedule.ts';
import { status } from './status.ts';
import { upgrade } from './upgrade.ts';
import { version } from './version.ts';
import { whoami } from './whoami.ts';

export const allVerbs: readonly Verb[] = [
  help,
  list,
  status,
  events,
  logs,
  scale,
  upgrade,
  restart,
  env,
  create,
  remove,
  backup,
  backups,
  restore,
  audit,
  digest,
  schedule,
  notify,
  mute,
  unmute,
  mutes,
  whoami,
  canI,
  confirm,
  cancel,
  version,
];
