/** The memory pending store (the terminal's) runs the contract the ConfigMap store runs against the apiserver. */
import { MemoryPendingStore } from '../../src/core/ports/pending-store.ts';
import { pendingStoreContract } from '../contract/pending-store.contract.ts';

const store = new MemoryPendingStore();
pendingStoreContract('memory', () => store);
