// Policies every rendered object follows: sizing, probes, pinned images, non-root, labels, secrets, binds.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../src/platform/catalog.js';
import { parseCpu, parseMemory } from '../../../src/platform/quantity.js';
import { secretValues } from '../../../src/platform/secrets.js';
import { CONFIGS, CREDENTIALS, containers, label, podOf, render } from './helpers.js';

const JVM_SERVICES = new Set(['polaris']);

describe.each(CONFIGS)('policies (%s)', (_, input) => {
  const objects = render(input);
  const all = containers(objects);
  const longRunning = all.filter((p) => !p.init && p.object.kind !== 'Job');

  it('renders at least one workload', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it.each(all.map((p) => [label(p.object, p.container), p] as const))('%s: requests and limits, parseable, requests ≤ limits', (_n, p) => {
    const r = p.container.resources;
    for (const resource of ['cpu', 'memory'] as const) {
      const parse = resource === 'cpu' ? parseCpu : parseMemory;
      const request = parse(String(r?.requests?.[resource]));
      const limit = parse(String(r?.limits?.[resource]));
      expect(request, `${resource} request`).toBeGreaterThan(0);
      expect(limit, `${resource} limit`).toBeGreaterThan(0);
      expect(request!).toBeLessThanOrEqual(limit!);
    }
  });

  it.each(all.map((p) => [label(p.object, p.container), p] as const))('%s: pinned image, IfNotPresent', (_n, p) => {
    const image = p.container.image!;
    expect(image).toMatch(/^[a-z0-9./-]+(?::[\w.-]+)(?:@sha256:[a-f0-9]{64})?$/);
    expect(image).not.toMatch(/:latest$/);
    expect(p.container.imagePullPolicy).toBe('IfNotPresent');
  });

  it.each(all.map((p) => [label(p.object, p.container), p] as const))('%s: no privilege escalation, no capabilities', (_n, p) => {
    expect(p.container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(p.container.securityContext?.privileged).toBeUndefined();
  });

  it.each(longRunning.map((p) => [label(p.object, p.container), p] as const))('%s: a readiness probe', (_n, p) => {
    const probe = p.container.readinessProbe;
    expect(probe).toBeDefined();
    expect(Boolean(probe?.httpGet || probe?.exec || probe?.tcpSocket || probe?.grpc)).toBe(true);
  });

  it.each(longRunning.map((p) => [label(p.object, p.container), p] as const))('%s: probe ports name a container port', (_n, p) => {
    const names = new Set((p.container.ports ?? []).map((port) => port.name));
    for (const probe of [p.container.readinessProbe, p.container.livenessProbe, p.container.startupProbe]) {
      const port = probe?.httpGet?.port;
      if (typeof port === 'string') expect(names, `probe port ${port}`).toContain(port);
    }
  });

  it('gives JVM services a startup probe and a heap capped below their memory limit', () => {
    const jvm = longRunning.filter((p) => JVM_SERVICES.has(String(p.object.metadata?.name)));
    expect(jvm.length).toBe(objects.some((o) => o.metadata?.name === 'polaris') ? 1 : 0);
    for (const p of jvm) {
      expect(p.container.startupProbe, label(p.object, p.container)).toBeDefined();
      const ratio = Number(p.container.env?.find((e) => e.name === 'JAVA_MAX_MEM_RATIO')?.value);
      expect(ratio).toBeGreaterThan(0);
      expect(ratio).toBeLessThanOrEqual(60);
    }
    const bootstrap = all.find((p) => p.object.metadata?.name === 'polaris-bootstrap' && !p.init);
    if (bootstrap) expect(bootstrap.container.env?.find((e) => e.name === 'JAVA_TOOL_OPTIONS')?.value).toMatch(/MaxRAMPercentage=50/);
  });

  it('runs every pod as a non-root user with the default seccomp profile', () => {
    for (const o of objects) {
      const pod = podOf(o);
      if (!pod) continue;
      expect(pod.securityContext?.runAsNonRoot, label(o)).toBe(true);
      expect(pod.securityContext?.runAsUser, label(o)).toBeGreaterThan(0);
      expect(pod.securityContext?.seccompProfile?.type, label(o)).toBe('RuntimeDefault');
      expect(pod.enableServiceLinks, label(o)).toBe(false);
      expect(pod.automountServiceAccountToken, label(o)).toBe(false);
    }
  });

  it('labels every object with name, component and part-of (and pods with the same)', () => {
    const components = new Map(CATALOG.map((s) => [s.name, s.component]));
    for (const o of objects) {
      const labels = o.metadata?.labels ?? {};
      expect(labels['app.kubernetes.io/part-of'], label(o)).toBe('floe-platform');
      if (o.kind === 'Namespace' || o.kind === 'Secret') continue;
      const name = labels['app.kubernetes.io/name']!;
      expect(components.get(name as never), label(o)).toBeDefined();
      expect(labels['app.kubernetes.io/component'], label(o)).toBe(components.get(name as never));
      const pod = o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job' ? o.spec?.template.metadata?.labels : undefined;
      if (pod) expect(pod).toMatchObject({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'floe-platform' });
    }
  });

  it('keeps every secret value (plain or base64) inside Secrets only', () => {
    const outside = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    const inside = JSON.stringify(objects.filter((o) => o.kind === 'Secret'));
    const values = secretValues(CREDENTIALS);
    let found = 0;
    for (const value of values) {
      const b64 = Buffer.from(value).toString('base64');
      expect(outside, 'a secret value outside Secrets').not.toContain(value);
      expect(outside, 'a base64 secret value outside Secrets').not.toContain(b64);
      if (inside.includes(b64)) found += 1;
    }
    expect(found, 'the Secrets hold the rendered services’ values').toBeGreaterThan(0);
  });

  it('refers only to Secrets and ConfigMaps it renders (or marks the reference optional)', () => {
    const secrets = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata?.name));
    const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata?.name));
    for (const p of all) {
      for (const e of p.container.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !ref.optional) expect(secrets, `${label(p.object, p.container)} ${e.name}`).toContain(ref.name);
      }
      for (const v of p.pod.volumes ?? []) {
        if (v.configMap) expect(configMaps, `${label(p.object)} volume ${v.name}`).toContain(v.configMap.name);
        if (v.secret) expect(secrets, `${label(p.object)} volume ${v.name}`).toContain(v.secret.secretName);
      }
    }
  });

  it('binds nothing on the host: no host ports, host network, NodePort or LoadBalancer', () => {
    for (const o of objects) {
      if (o.kind === 'Service') expect(o.spec?.type, label(o)).toBe('ClusterIP');
      const pod = podOf(o);
      if (!pod) continue;
      expect(pod.hostNetwork ?? false, label(o)).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        for (const port of c.ports ?? []) {
          expect(port.hostPort, `${label(o, c)} hostPort`).toBeUndefined();
          if (port.hostIP !== undefined) expect(port.hostIP).toBe('127.0.0.1');
        }
      }
      for (const v of pod.volumes ?? []) expect(v.hostPath, `${label(o)} hostPath`).toBeUndefined();
    }
  });
});
