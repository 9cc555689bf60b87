/** The memory pending store (the terminal's) runs the contract the ConfigMap store runs against the apiserver. */
import type { ChangePlan } from '../../src/core/change/plan.ts';
import { MemoryPendingStore } from '../../src/core/ports/pending-store.ts';
import { pendingStoreContract } from '../contract/pending-store.contract.ts';

const store = new MemoryPendingStore<ChangePlan>();
pendingStoreContract('memory', () => store);
