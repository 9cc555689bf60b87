/** A pipeline on the fake gateway with a fixed clock: what verb unit tests run commands through. */
import { createPipeline, type Outcome } from '../../src/core/pipeline.ts';
import type { Logger } from '../../src/core/ports/logger.ts';
import { createRegistry } from '../../src/core/registry.ts';
import type { Caller } from '../../src/core/verb-context.ts';
import { allVerbs } from '../../src/core/verbs/index.ts';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { FakeClusterGateway, fakeDirectory } from '../fakes/fake-cluster-gateway.ts';

export const fixedNow = new Date('2026-11-27T09:00:00Z');
export const minutesAgo = (m: number): Date => new Date(fixedNow.getTime() - m * 60_000);

export interface Harness {
  gateway: FakeClusterGateway;
  logged: { fields: Record<string, unknown>; message: string }[];
  run(input: string): Promise<Outcome & { text: string }>;
}

export const alice: Caller = { id: 'terminal:alice', name: 'alice', via: 'terminal' };

export function createHarness(options: { defaultNamespace?: string; limits?: { maxLogLines: number; maxLogChars: number } } = {}): Harness {
  const gateway = new FakeClusterGateway('sandbox-bot', 'https://127.0.0.1:6443');
  const logged: Harness['logged'] = [];
  const record = (fields: Record<string, unknown>, message: string): void => { logged.push({ fields, message }); };
  const logger: Logger = { info: record, warn: record, error: record };
  const pipeline = createPipeline({
    registry: createRegistry(allVerbs), clusters: fakeDirectory(gateway, new FakeClusterGateway('staging-cluster')),
    clock: { now: () => fixedNow }, logger, version: '0.1.0', defaultNamespace: options.defaultNamespace ?? 'chat',
    limits: options.limits ?? { maxLogLines: 1000, maxLogChars: 12_000 },
  });
  return {
    gateway,
    logged,
    async run(input) {
      const outcome = await pipeline.run(input, alice);
      return { ...outcome, text: renderTerminal(outcome.reply, { color: false }) };
    },
  };
}
