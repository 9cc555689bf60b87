/**
 * One shape names a kind for writes and watches alike (issue 10, item 10); the group and version
 * the apiserver serves it under come from its apiVersion in one place, for the writer and the watch.
 */
import { describe, expect, it } from 'vitest';
import { resourcePath } from '../../../../src/adapters/kubernetes/cluster-watch-kube-source.ts';
import { groupVersionOf, kinds } from '../../../../src/core/model/resource.ts';

describe('a resource kind', () => {
  it('is served under the group and version of its apiVersion, the core group being empty', () => {
    expect(groupVersionOf(kinds.configMap)).toEqual({ group: '', version: 'v1' });
    expect(groupVersionOf(kinds.job)).toEqual({ group: 'batch', version: 'v1' });
    expect(groupVersionOf(kinds.mattermost)).toEqual({ group: 'installation.mattermost.com', version: 'v1beta1' });
  });

  it('is watched at the path its apiVersion names', () => {
    expect(resourcePath({ resource: kinds.pod, namespace: 'chat' })).toBe('/api/v1/namespaces/chat/pods');
    expect(resourcePath({ resource: kinds.mattermost })).toBe('/apis/installation.mattermost.com/v1beta1/mattermosts');
    expect(resourcePath({ resource: kinds.replicaSet, namespace: 'a b' })).toBe('/apis/apps/v1/namespaces/a%20b/replicasets');
  });
});
