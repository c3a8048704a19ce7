// runSteps with the real listr2 line renderer: order, the first failure rethrown as is and printed once, later
// steps shown skipped, and concurrent sub-tasks whose step decides the outcome.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FloeError } from '../../../src/errors.js';
import { runSteps } from '../../../src/steps/run-steps.js';
import type { Step } from '../../../src/steps/step.js';
import { testContext } from '../../helpers/context.js';

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());
const printed = () => stderr.join('');

describe('runSteps', () => {
  it('runs steps in order and shows each outcome title', async () => {
    const ran: string[] = [];
    const steps: Step[] = [
      { title: 'One', run: async (_c, r) => void (ran.push('one'), r.done('One done')) },
      { title: 'Hidden', enabled: () => false, run: async () => void ran.push('hidden') },
      { title: 'Two', run: async (_c, r) => void (ran.push('two'), r.done('Two done')) },
    ];
    await runSteps(steps, testContext(), 'simple');
    expect(ran).toEqual(['one', 'two']);
    expect(printed()).toMatch(/One done[\s\S]*Two done/);
    expect(printed()).not.toContain('Hidden');
  });

  it('rethrows the failing step’s own error, prints its message nowhere, and shows later steps skipped', async () => {
    const error = new FloeError('the real, long explanation of what went wrong', { hint: 'do this' });
    let laterRan = false;
    const steps: Step[] = [
      { title: 'Cluster', run: async () => Promise.reject(error) },
      { title: 'Images', run: async () => void (laterRan = true) },
    ];
    const thrown = await runSteps(steps, testContext(), 'simple').catch((e: unknown) => e);
    expect(thrown).toBe(error);
    expect(laterRan).toBe(false);
    // The single exit point prints the message; the renderer only says which step failed.
    expect(printed()).not.toContain('the real, long explanation');
    expect(printed()).toMatch(/Images \[SKIPPED: not run: an earlier step failed\]/);
  });

  it('draws concurrent sub-tasks; a failed sub-task shows its title while the step’s error is what is thrown', async () => {
    const error = new FloeError('Apache Polaris (polaris) failed: CrashLoopBackOff\n  last log lines: ...');
    const step: Step = {
      title: 'Platform services',
      run: async (_c, r) => {
        const t = r.tasks([
          { key: 'db', title: 'PostgreSQL (catalog-db)' },
          { key: 'polaris', title: 'Apache Polaris (polaris)' },
          { key: 'cube', title: 'Cube (cube)' },
        ]);
        t.get('db')!.progress('StatefulSet 0/1 ready: ContainerCreating');
        t.get('db')!.done('PostgreSQL (catalog-db): StatefulSet 1/1 ready');
        t.get('polaris')!.fail('CrashLoopBackOff');
        t.get('cube')!.skip('not started: polaris did not finish');
        throw error;
      },
    };
    const thrown = await runSteps([step], testContext(), 'simple').catch((e: unknown) => e);
    expect(thrown).toBe(error);
    expect(printed()).toContain('PostgreSQL (catalog-db): StatefulSet 1/1 ready');
    expect(printed()).toContain('Apache Polaris (polaris) [FAILED: CrashLoopBackOff]');
    expect(printed()).toContain('Cube (cube) [SKIPPED: not started: polaris did not finish]');
    expect(printed()).not.toContain('last log lines');
    expect(printed()).not.toContain('[FAILED: ]');
  });

  it('a step with sub-tasks that succeeds goes on to the next step', async () => {
    const ran: string[] = [];
    const steps: Step[] = [
      {
        title: 'Install',
        run: async (_c, r) => {
          const t = r.tasks([{ key: 'a', title: 'A' }]);
          await new Promise((resolve) => setImmediate(resolve));
          t.get('a')!.done('A ready');
          r.done('Installed');
        },
      },
      { title: 'Next', run: async () => void ran.push('next') },
    ];
    await runSteps(steps, testContext(), 'simple');
    expect(ran).toEqual(['next']);
    expect(printed()).toMatch(/A ready[\s\S]*Installed/);
  });
});
