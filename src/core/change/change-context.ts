/**
 * What the change pipeline runs a command in: the verbs' context, plus every cluster (a waiting
 * plan is applied on its own cluster, whatever the confirming command said) and how the adapter
 * runs the command. Verbs never see these two.
 */
import type { ClusterDirectory } from '../ports/cluster-gateway.ts';
import type { RunOptions } from '../run-options.ts';
import type { VerbContext } from '../verb-context.ts';

export interface ChangeContext extends VerbContext {
  clusters: ClusterDirectory;
  options: RunOptions;
}
