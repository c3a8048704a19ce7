// Dagster code locations: the example by default, the user's from orchestrator.codeLocations, each its own
// gRPC server Deployment + Service, all in workspace.yaml.
import type { IDeployment } from 'kubernetes-models/apps/v1';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { codeLocations, grpcArgs } from '../../../src/platform/code-locations.js';
import { imagesFor, renderPlatformByService, selectServices, workloadsOf } from '../../../src/platform/index.js';
import { dagsterCodeLocation, IMAGE_ID_ANNOTATION } from '../../../src/platform/services/dagster-code-location.js';
import { CREDENTIALS, configMapData, named, render } from './helpers.js';

const mine = {
  orchestrator: {
    codeLocations: [
      { name: 'sales', image: 'my-org/sales:0.1.0', module: 'sales.definitions' },
      { name: 'ml', image: 'my-org/ml:2.0.0', file: '/app/defs.py', workingDirectory: '/app', attribute: 'defs', port: 4000 },
    ],
  },
};

describe('code locations', () => {
  it('run Dagster’s example when none is configured, under the Deployment name it always had', () => {
    const objects = render();
    const workspace = parse(configMapData(objects, 'dagster-workspace', 'workspace.yaml')) as { load_from: unknown[] };
    expect(workspace.load_from).toEqual([{ grpc_server: { host: 'dagster-code-location', port: 3030, location_name: 'example' } }]);
    expect(named(objects, 'Deployment', 'dagster-code-location')).toBeDefined();
    expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'dagster-example-code')).toBe(true);
  });

  it('run each of yours as its own server, listed in workspace.yaml, and the example no more', () => {
    const objects = render(mine);
    const workspace = parse(configMapData(objects, 'dagster-workspace', 'workspace.yaml')) as { load_from: unknown[] };
    expect(workspace.load_from).toEqual([
      { grpc_server: { host: 'dagster-code-sales', port: 3030, location_name: 'sales' } },
      { grpc_server: { host: 'dagster-code-ml', port: 4000, location_name: 'ml' } },
    ]);
    expect(objects.some((o) => o.metadata?.name === 'dagster-code-location' || o.metadata?.name === 'dagster-example-code')).toBe(false);
    for (const [name, image, port] of [['sales', 'my-org/sales:0.1.0', 3030], ['ml', 'my-org/ml:2.0.0', 4000]] as const) {
      const d = named(objects, 'Deployment', `dagster-code-${name}`);
      const svc = named(objects, 'Service', `dagster-code-${name}`);
      const c = d.spec!.template.spec!.containers[0]!;
      expect(c.image).toBe(image);
      expect(c.readinessProbe?.exec?.command).toEqual(['dagster', 'api', 'grpc-health-check', '-p', String(port)]);
      expect(c.env).toContainEqual({ name: 'DAGSTER_CURRENT_IMAGE', value: image });
      // Each Service selects only its own server's pods.
      expect(svc.spec?.selector).toEqual(d.spec!.selector!.matchLabels);
      expect(svc.spec?.selector?.['floe.dev/code-location']).toBe(name);
      expect(d.spec!.template.metadata?.labels).toMatchObject(svc.spec!.selector!);
      expect(svc.spec?.ports).toEqual([{ name: 'grpc', port, targetPort: 'grpc', protocol: 'TCP' }]);
    }
  });

  it.each([
    [{ name: 'a', image: 'x/a:1', module: 'a.defs' }, ['dagster', 'api', 'grpc', '-h', '0.0.0.0', '-p', '3030', '-m', 'a.defs', '--lazy-load-user-code']],
    [{ name: 'b', image: 'x/b:1', package: 'b' }, ['dagster', 'api', 'grpc', '-h', '0.0.0.0', '-p', '3030', '--package-name', 'b', '--lazy-load-user-code']],
    [{ name: 'c', image: 'x/c:1', file: '/c.py', workingDirectory: '/w', attribute: 'defs', port: 3100 }, ['dagster', 'api', 'grpc', '-h', '0.0.0.0', '-p', '3100', '-f', '/c.py', '-d', '/w', '-a', 'defs', '--lazy-load-user-code']],
  ])('load exactly what is named, lazily (a load error is reported by Dagster, not a crash loop) %#', (location, args) => {
    const [l] = codeLocations(configSchema.parse({ orchestrator: { codeLocations: [location] } }), 'unused');
    expect(grpcArgs(l!)).toEqual(args);
  });

  it('bring their images and their workloads to the platform', () => {
    const config = configSchema.parse(mine);
    expect(imagesFor(selectServices(config), config)).toEqual(expect.arrayContaining(['my-org/sales:0.1.0', 'my-org/ml:2.0.0']));
    expect(workloadsOf(dagsterCodeLocation, config)).toEqual([
      { kind: 'Deployment', name: 'dagster-code-sales' },
      { kind: 'Deployment', name: 'dagster-code-ml' },
    ]);
  });

  it('carry the host image ID when up knows it, so a rebuilt image under the same tag rolls the pod', () => {
    const config = configSchema.parse(mine);
    const without = renderPlatformByService({ config, credentials: CREDENTIALS });
    const withIds = renderPlatformByService({ config, credentials: CREDENTIALS, imageIds: { 'my-org/sales:0.1.0': 'sha256:abc' } });
    const deploymentOf = (r: typeof without) =>
      r.services.find((s) => s.service.name === 'dagster-code-location')!.objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'dagster-code-sales') as IDeployment;
    expect(deploymentOf(without).spec!.template.metadata?.annotations?.[IMAGE_ID_ANNOTATION]).toBeUndefined();
    expect(deploymentOf(withIds).spec!.template.metadata?.annotations?.[IMAGE_ID_ANNOTATION]).toBe('sha256:abc');
  });

  it.each([
    [{ name: 'a', image: 'x/a:1' }, /needs one of module .* package or file/],
    [{ name: 'a', image: 'x/a:1', module: 'm', file: '/f.py' }, /names both module and file: give exactly one/],
    [{ name: 'Bad_Name', image: 'x/a:1', module: 'm' }, /must be a DNS label/],
    [{ name: 'a', image: 'x/a', module: 'm' }, /must be pinned/],
  ])('refuse a location that cannot run %#', (location, message) => {
    const r = configSchema.safeParse({ orchestrator: { codeLocations: [location] } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });

  it('refuse two locations of one name', () => {
    const r = configSchema.safeParse({ orchestrator: { codeLocations: [{ name: 'a', image: 'x/a:1', module: 'm' }, { name: 'a', image: 'x/b:1', module: 'n' }] } });
    expect(JSON.stringify(r.error?.issues)).toMatch(/names a code location twice/);
  });
});
