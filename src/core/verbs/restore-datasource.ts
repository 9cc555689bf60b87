/**
 * The DataSource after a restore. Mattermost (with its configuration in the database, and from
 * 10.11 on with the DataSource in its `configurations` table) can carry the old database's host
 * and password in a restored dump; what wins over it is MM_SQLSETTINGS_DATASOURCE in the pods'
 * environment. The operator mounts the database Secret's DSN as that variable (mattermost.md A.4),
 * unless the CR's own `mattermostEnv` sets it (the operator's env merge lets the CR's entry win);
 * an older operator may not mount it at all.
 *
 * So a restore looks at the CR and at the running pods before it plans: when the pods take the
 * variable from the current database Secret, the operator's mount will follow the switch and
 * matterops writes nothing; otherwise matterops writes the variable through `mattermostEnv`, from
 * the new Secret's DB_CONNECTION_STRING, while no pod runs. Either way, once the installation is
 * stable, a check waits until every pod takes it from the new Secret, and the report says which
 * was done. `--undo` puts back what the restore changed.
 */
import { envVarSpec, type EnvVar, type Installation } from '../model/installation.ts';
import type { InstallationRef } from '../model/installation-ref.ts';
import { kinds } from '../model/resource.ts';
import type { Step } from '../model/step.ts';
import { takesEnvFromSecret } from '../model/workload.ts';
import type { VerbContext } from '../verb-context.ts';

export const dataSourceEnv = 'MM_SQLSETTINGS_DATASOURCE';

/** Who gives the pods the DataSource once switched: the operator's own mount, or matterops through the CR's env. */
export interface DataSourcePlan {
  /** The env write, made while no pod runs (before the switch); none when the operator's mount does it. */
  write: Step | undefined;
  /** What the switch's annotations record of it, for `--undo` (null: nothing written). */
  annotation: 'added' | 'replaced' | null;
  /** One line for the plan: which is done, and why. */
  note: string;
}

const fromSecret = (secret: string): EnvVar => ({
  name: dataSourceEnv,
  value: undefined,
  fromRef: true,
  valueFrom: { secretKeyRef: { name: secret, key: 'DB_CONNECTION_STRING' } },
});

/**
 * A write of the CR's whole `mattermostEnv` (a merge patch replaces a list). It is resumable only
 * when every entry is a reference: a literal value may be a secret, and the in-flight record that
 * keeps a resumable write in full sits in plain sight on a Lease (model/step.ts).
 */
function envWrite(target: InstallationRef, env: EnvVar[]): Step {
  return {
    kind: 'write',
    resource: kinds.mattermost,
    namespace: target.namespace,
    name: target.name,
    action: { kind: 'patch', patch: { spec: { mattermostEnv: env.map(envVarSpec) } } },
    ...(env.every((e) => e.fromRef) ? { resumable: true as const } : {}),
  };
}

/** Whether every running pod takes the DataSource from `secret` today (unknown when none runs). */
async function podsTakeItFrom(ctx: VerbContext, before: Installation, secret: string | undefined): Promise<boolean | undefined> {
  const pods = (await ctx.gateway.listPods(before.namespace, before.name)).filter((p) => !p.terminating);
  if (!pods.length || !secret) return undefined;
  return pods.every((p) => takesEnvFromSecret(p, dataSourceEnv, secret));
}

export async function planDataSource(ctx: VerbContext, target: InstallationRef, before: Installation, secret: string): Promise<DataSourcePlan> {
  const others = before.spec.env.filter((e) => e.name !== dataSourceEnv);
  if (before.spec.env.some((e) => e.name === dataSourceEnv)) {
    return {
      write: envWrite(target, [...others, fromSecret(secret)]),
      annotation: 'replaced',
      note: `The installation's own ${dataSourceEnv} (in spec.mattermostEnv) wins over the operator's: matterops points it at Secret ${secret} while no pod runs.`,
    };
  }
  if (await podsTakeItFrom(ctx, before, before.spec.databaseSecret)) {
    return {
      write: undefined,
      annotation: null,
      note: `The operator mounts ${dataSourceEnv} from the database Secret, so the DataSource the restored configuration carries is overridden; matterops writes nothing for it and checks it on the pods.`,
    };
  }
  return {
    write: envWrite(target, [...others, fromSecret(secret)]),
    annotation: 'added',
    note: `The pods do not take ${dataSourceEnv} from the database Secret now (or none runs to tell): matterops sets it in spec.mattermostEnv from Secret ${secret} while no pod runs, so the restored configuration's DataSource cannot win.`,
  };
}

/**
 * What `--undo` writes to put the env back as the restore found it (none when the restore wrote
 * none), and whether the pods must then take the DataSource from the old Secret: not where the
 * restore added the variable, since before the restore nothing set it.
 */
export function undoDataSource(
  target: InstallationRef,
  before: Installation,
  previousSecret: string,
): { write: Step | undefined; checked: boolean; note: string } {
  const done = before.spec.restoredFrom?.dataSourceEnv;
  const others = before.spec.env.filter((e) => e.name !== dataSourceEnv);
  if (done === 'added')
    return { write: envWrite(target, others), checked: false, note: `Remove the ${dataSourceEnv} the restore added to spec.mattermostEnv.` };
  if (done === 'replaced')
    return {
      write: envWrite(target, [...others, fromSecret(previousSecret)]),
      checked: true,
      note: `Point ${dataSourceEnv} in spec.mattermostEnv at Secret ${previousSecret} (the value it had before the restore was not kept).`,
    };
  return { write: undefined, checked: true, note: `The operator mounts ${dataSourceEnv} from the database Secret: nothing to put back.` };
}

/** The check after the switch: every pod takes the DataSource from `secret` (none when no pod is to run, or nothing is to check). */
export function dataSourceCheck(
  target: InstallationRef,
  secret: string,
  { replicas, checked }: { replicas: number; checked: boolean },
  ifFailed: string,
): Step[] {
  if (!checked || replicas === 0) return [];
  return [{ kind: 'wait', until: 'env-from-secret', namespace: target.namespace, name: target.name, env: dataSourceEnv, secret, ifFailed }];
}
