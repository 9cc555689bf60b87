/** Every verb matterops knows, in the order `help` lists them. */
import type { Verb } from '../verb.ts';
import { events } from './events.ts';
import { help } from './help.ts';
import { list } from './list.ts';
import { logs } from './logs.ts';
import { status } from './status.ts';
import { version } from './version.ts';
import { whoami } from './whoami.ts';

export const allVerbs: readonly Verb[] = [help, list, status, events, logs, whoami, version];
