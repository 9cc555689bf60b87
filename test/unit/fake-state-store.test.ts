/** The fake StateStore runs the contract the ConfigMap adapter runs against the apiserver. */
import { stateStoreContract } from '../contract/state-store.contract.ts';
import { FakeStateBackend, FakeStateStore } from '../fakes/fake-state-store.ts';

stateStoreContract('fake', () => {
  const backend = new FakeStateBackend();
  return {
    stores: [new FakeStateStore(backend), new FakeStateStore(backend)],
    plant: (document, text) => {
      backend.plant(document, text);
      return Promise.resolve();
    },
  };
});
