/** Where the sandbox finds its peers and keeps its state. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const peersDir = process.env.MATTEROPS_PEERS_DIR || join(homedir(), '.cache', 'matterops-peers');
/** `.sandbox/` holds what a person or a test needs: env, kubeconfig, state, logs. */
export const sandboxDir = process.env.MATTEROPS_SANDBOX_DIR || join(repoRoot, '.sandbox');
export const statePath = join(sandboxDir, 'state.json');
export const envPath = join(sandboxDir, 'env');
export const kubeconfigPath = join(sandboxDir, 'kubeconfig');
export const bin = (name: string): string => join(peersDir, 'bin', name);
export const mattermostHome = join(peersDir, 'mattermost');
export const postgresBin = (name: string): string => join('/usr/lib/postgresql/15/bin', name);
export const deployDir = join(repoRoot, 'deploy');
