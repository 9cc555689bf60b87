/** The fake StateStore runs the contract the ConfigMap adapter runs against the apiserver. */
import { stateStoreContract } from '../contract/state-store.contract.ts';
import { FakeStateBackend, FakeStateStore } from '../fakes/fake-state-store.ts';

stateStoreContract('fake', () => {
  const backend = new FakeStateBackend();
  return {
    stores: [new FakeStateStore(backend), new FakeStateStore(backend)],
    plant: (document, text, part) => {
      backend.plant(document, text, part);
      return Promise.resolve();
    },
  };
});
