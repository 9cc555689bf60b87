/**
 * On a Node older than package.json's engines the CLI stops with one line saying what to run
 * instead (issue 14: `node dist/cli.js` on Node 20 died inside undici). The child-process check on
 * the machine's real old Node is test/e2e/command-line.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { enginesNode, minimumNodeMajor, nodeVersionProblem } from '../../../src/node-version.ts';

describe('nodeVersionProblem', () => {
  it('says in one line which Node is needed and what to run instead', () => {
    const problem = nodeVersionProblem('20.20.2', '>=24');
    expect(problem).toBe(
      'matterops needs Node 24 or newer, and this is Node 20.20.2: run bin/matterops (it uses the Node 24 that npm ci installs into node_modules) or install Node 24',
    );
    expect(problem).not.toContain('\n');
  });

  it('accepts the engines minimum and anything newer', () => {
    expect(nodeVersionProblem('24.0.0', '>=24')).toBeUndefined();
    expect(nodeVersionProblem('25.1.0', '>= 24')).toBeUndefined();
    expect(nodeVersionProblem('23.11.1', '>=24')).toMatch(/^matterops needs Node 24/);
  });

  it("reads package.json's engines, and refuses a form it cannot check", () => {
    expect(minimumNodeMajor(enginesNode())).toBe(24);
    expect(() => minimumNodeMajor('^24')).toThrow(/must read ">=N"/);
  });
});
