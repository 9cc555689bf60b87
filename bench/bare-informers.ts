/**
 * The watch-RSS bench's baseline, a process of its own: client-node's own ListWatch informers over
 * what the leader's incident watch watches (src/leader/incident-watch.ts: Mattermost CRs, the
 * installation-labelled pods, Deployments and ReplicaSets, all Jobs, Warning Events; every
 * namespace), each object kept in the library's cache and nothing else done with it. Its RSS is the
 * floor of "Node, the Kubernetes client and these objects in memory". Prints `listed` once every
 * informer has listed. Run by bench/watch-rss.bench.ts with KUBECONFIG and BENCH_CONTEXT.
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, ListWatch, Watch, type KubernetesObject } from '@kubernetes/client-node';

const kc = new KubeConfig();
kc.loadFromFile(process.env.KUBECONFIG ?? '');
kc.setCurrentContext(process.env.BENCH_CONTEXT ?? 'sandbox-bot');
const [core, apps, batch, custom] = [
  kc.makeApiClient(CoreV1Api),
  kc.makeApiClient(AppsV1Api),
  kc.makeApiClient(BatchV1Api),
  kc.makeApiClient(CustomObjectsApi),
];
const label = 'installation.mattermost.com/installation';
const watch = new Watch(kc);

type List = () => Promise<{ items: KubernetesObject[]; metadata?: { resourceVersion?: string } }>;
const informers: [string, List, string | undefined, string | undefined][] = [
  [
    '/apis/installation.mattermost.com/v1beta1/mattermosts',
    () => custom.listClusterCustomObject({ group: 'installation.mattermost.com', version: 'v1beta1', plural: 'mattermosts' }) as ReturnType<List>,
    undefined,
    undefined,
  ],
  ['/api/v1/pods', () => core.listPodForAllNamespaces({ labelSelector: label }), label, undefined],
  ['/apis/apps/v1/deployments', () => apps.listDeploymentForAllNamespaces({ labelSelector: label }), label, undefined],
  ['/apis/apps/v1/replicasets', () => apps.listReplicaSetForAllNamespaces({ labelSelector: label }), label, undefined],
  ['/apis/batch/v1/jobs', () => batch.listJobForAllNamespaces(), undefined, undefined],
  ['/api/v1/events', () => core.listEventForAllNamespaces({ fieldSelector: 'type=Warning' }), undefined, 'type=Warning'],
];
let listed = 0;
const caches = informers.map(([path, list, labelSelector, fieldSelector]) => {
  const informer = new ListWatch<KubernetesObject>(path, watch, list, false, labelSelector, fieldSelector);
  informer.on('error', (e: unknown) => console.error(`${path}: ${String(e)}`));
  void informer.start().then(() => {
    if (++listed === informers.length) console.log('listed');
  });
  return informer;
});
// Keep the caches reachable, and say how much each holds when asked (SIGUSR2).
process.on('SIGUSR2', () => console.log(caches.map((c) => c.list().length).join(' ')));
