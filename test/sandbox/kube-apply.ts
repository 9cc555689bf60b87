/** Creates every object of a YAML file in order (namespaces first, as written). */
import { readFileSync } from 'node:fs';
import { KubernetesObjectApi, loadAllYaml, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export async function createFromYaml(kc: KubeConfig, file: string): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const object of loadAllYaml(readFileSync(file, 'utf8')) as KubernetesObject[]) {
    await client.create(object);
  }
}
