/** The person at the terminal, as the policy and audit see them. */
import { userInfo } from 'node:os';
import type { Caller } from '../../core/model/caller.ts';

export function terminalCaller(): Caller {
  const name = process.env.USER || userInfo().username;
  return { id: `terminal:${name}`, name, via: 'terminal' };
}
