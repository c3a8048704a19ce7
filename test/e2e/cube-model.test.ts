// The rendered Cube against the simulated kubelet's ConfigMap volume layout: its model compiles (one file per
// subPath mount), while the same model mounted as a folder fails /v1/meta with Cube's duplicate-cube error and
// /readyz stays healthy — the mistake only the meta check notices.
import { createHmac } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { useHarness, waitFor, type Harness } from './harness.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests and HTTP JSON, read field by field

const NS = 'floe-platform';

function jwt(secret: string): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ exp: Math.floor(Date.now() / 1000) + 300 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The Cube pods the fake cluster has now. */
async function cubePods(h: Harness, args: string[]): Promise<Obj[]> {
  const r = await h.tool('kubectl', [...args, 'get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/name=cube', '-o', 'json']);
  return (JSON.parse(r.stdout) as Obj).items as Obj[];
}

const ready = (pod: Obj) => pod.status.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True');

/** Port-forwards Cube and returns its base URL. */
async function forwardCube(h: Harness, args: string[]): Promise<string> {
  const pf = h.spawnTool('kubectl', [...args, 'port-forward', '-n', NS, 'svc/cube', '--address', '127.0.0.1', ':4000'], { timeoutMs: 60_000 });
  const m = await pf.waitForOutput(/Forwarding from 127\.0\.0\.1:(\d+) -> 4000/);
  return `http://127.0.0.1:${m[1]}`;
}

describe('Cube’s model in a cluster that lays ConfigMap volumes out as the kubelet does', () => {
  const h = useHarness({ scenario: { defaults: { readyAfterMs: 60 } } });

  it('the rendered platform’s meta lists the sample cube; a folder mount of the same ConfigMap fails meta, readyz stays 200', async () => {
    const rendered = await h().floeDev(['render', '--component', 'semantic'], { env: { FLOE_DEV_SEMANTIC_CACHE: 'memory' } });
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    const { kubectlArgs: args } = await h().createCluster();
    const apply = (yaml: string) => h().tool('kubectl', [...args, 'apply', '--server-side', '--field-manager', 'floe-dev', '-f', '-'], { input: yaml });
    expect((await apply(rendered.stdout)).exitCode).toBe(0);

    const docs = parseAllDocuments(rendered.stdout).map((d) => d.toJSON() as Obj);
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === 'cube-credentials')!;
    const auth = { authorization: jwt(String(secret.stringData?.['api-secret'] ?? Buffer.from(secret.data['api-secret'], 'base64').toString())) };

    await waitFor(async () => (await cubePods(h(), args)).some(ready), 5_000, 'Cube ready');
    let base = await forwardCube(h(), args);
    const meta = await fetch(`${base}/cubejs-api/v1/meta`, { headers: auth });
    expect(meta.status).toBe(200);
    expect(((await meta.json()) as Obj).cubes.map((c: Obj) => c.name)).toEqual(['platform_components']);

    // The mistake this guards against: the model ConfigMap mounted as a folder.
    const deployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'cube')!;
    const container = deployment.spec.template.spec.containers[0];
    container.volumeMounts = [...container.volumeMounts.filter((m: Obj) => m.name !== 'model'), { name: 'model', mountPath: '/cube/conf/model', readOnly: true }];
    expect((await apply(JSON.stringify(deployment))).exitCode).toBe(0);
    await waitFor(async () => {
      const pods = await cubePods(h(), args);
      return pods.length === 1 && ready(pods[0]!) && pods[0]!.spec.containers[0].volumeMounts.some((m: Obj) => m.mountPath === '/cube/conf/model');
    }, 5_000, 'the folder-mounting Cube pod ready');

    base = await forwardCube(h(), args);
    const broken = await fetch(`${base}/cubejs-api/v1/meta`, { headers: auth });
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ error: "Error: Compile errors:\nFound duplicate cube name 'platform_components'." });
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toEqual({ health: 'HEALTH' });
  });
});
