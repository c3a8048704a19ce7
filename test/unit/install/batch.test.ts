// Services submitted in the same turn are applied in one call; a failed call fails each of them.
import { describe, expect, it } from 'vitest';
import { ApplyBatcher } from '../../../src/install/batch.js';
import type { KubeObject } from '../../../src/platform/index.js';

const obj = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }) as KubeObject;

describe('ApplyBatcher', () => {
  it('applies what was submitted in the same turn in one call, and later submissions in another', async () => {
    const calls: string[][] = [];
    const b = new ApplyBatcher(async (objects) => void calls.push(objects.map((o) => o.metadata!.name!)));
    await Promise.all([b.submit([obj('a')]), b.submit([obj('b'), obj('c')])]);
    await b.submit([obj('d')]);
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('a failed apply rejects every submission of that batch with its error', async () => {
    const b = new ApplyBatcher(async () => {
      throw new Error('The Deployment "x" is invalid');
    });
    const results = await Promise.allSettled([b.submit([obj('a')]), b.submit([obj('b')])]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['The Deployment "x" is invalid', 'The Deployment "x" is invalid']);
  });
});
