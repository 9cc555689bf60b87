/** Names one installation: the cluster (kubeconfig context), its namespace and its name. */
export interface InstallationRef {
  cluster: string;
  namespace: string;
  name: string;
}
