// Every rendered object validates against the Kubernetes API schema (kubernetes-models), across configurations.
import { Deployment } from 'kubernetes-models/apps/v1';
import { describe, expect, it } from 'vitest';
import { CONFIGS, model, render } from './helpers.js';

describe.each(CONFIGS)('rendered objects (%s)', (_, input) => {
  const objects = render(input);

  it.each(objects.map((o) => [`${o.kind} ${o.metadata?.name}`, o] as const))('%s is valid for the Kubernetes API', (_n, o) => {
    expect(() => model(o).validate()).not.toThrow();
  });

  it('has no two objects of the same kind and name', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every namespaced object in the configured namespace', () => {
    const namespace = input.namespace ?? 'floe-platform';
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: namespace } });
    for (const o of objects.slice(1)) expect(o.metadata?.namespace, `${o.kind} ${o.metadata?.name}`).toBe(namespace);
  });
});

describe('the schema check itself', () => {
  it('rejects an object that breaks the API schema (so the checks above can fail)', () => {
    const broken = {
      apiVersion: 'apps/v1' as const,
      kind: 'Deployment' as const,
      metadata: { name: 'x' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'x', image: 'x:1', ports: [{ containerPort: '80' }] }] } } },
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately wrong type for the negative control
    expect(() => new Deployment(broken as any).validate()).toThrow(/containerPort must be integer/);
  });
});
