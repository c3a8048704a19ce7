// `down` and `doctor` whatever state the configuration is in, and `down` without kind when there is no cluster
// of floe-dev's: the built CLI as a subprocess, with no kind or kubectl on PATH.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runBuilt, sandbox } from '../../helpers/cli.js';

const box = sandbox();
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));

let cwd: string;
let env: Record<string, string>;
let clusterDir: string;
beforeEach(() => {
  cwd = join(box.dir, `t-${Math.random().toString(36).slice(2)}`);
  mkdirSync(cwd, { recursive: true });
  env = { ...box.env, FLOE_DEV_HOME: join(cwd, 'state') };
  clusterDir = join(cwd, 'state', 'clusters', 'floe-dev');
});

const floeDev = (argv: string[], extra: Record<string, string> = {}) => runBuilt(argv, { cwd, env: { ...env, ...extra } });

describe('down with no cluster of floe-dev’s', () => {
  it('needs no kind, and says what it removed (the credentials render made)', async () => {
    expect((await floeDev(['render'])).code).toBe(0);
    expect(existsSync(join(clusterDir, 'credentials.json'))).toBe(true);
    const r = await floeDev(['down']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`Removed its state folder ${clusterDir}.`);
    expect(r.err).toContain(`removed its state (${clusterDir}: credentials.json)`);
    expect(r.err).not.toMatch(/kind was not found/);
    expect(existsSync(clusterDir)).toBe(false);
  });

  it('prints one JSON document of what it did with --json', async () => {
    await floeDev(['render']);
    const r = await floeDev(['down', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      ok: true,
      cluster: 'floe-dev',
      forwards: { stopped: false, pid: null },
      kindCluster: 'absent',
      namespace: null,
      kubeconfigEntries: [],
      stateFolder: { path: clusterDir, files: ['credentials.json'] },
      // No registry container of this cluster: `absent` where Docker answers, `unknown` where none does.
      registry: expect.stringMatching(/^(absent|unknown)$/),
    });
  });

  it('says so when there is nothing at all', async () => {
    const r = await floeDev(['down']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe("Nothing of floe-dev's to remove for cluster floe-dev.");
  });
});

describe('a broken configuration does not block down or doctor', () => {
  it.each([
    ['floe-dev.yaml that is not YAML', 'cluster:\n  name: floe-dev\nforwards: {cube: 4000\n', {}, /is not valid YAML/],
    ['a bad value', 'forwards:\n  cube: 99999\n', {}, /`forwards\.cube`.*out of range/],
    ['an unknown FLOE_DEV_ variable', undefined, { FLOE_DEV_CLUSTR: 'x' }, /unknown environment variable FLOE_DEV_CLUSTR/],
  ])('%s: down warns and carries on', async (_name, yaml, extra, problem) => {
    await floeDev(['render']);
    if (yaml) writeFileSync(join(cwd, 'floe-dev.yaml'), yaml);
    const r = await floeDev(['down'], extra);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^warning: the configuration has a problem; down leaves it out and carries on \(cluster floe-dev\):$/m);
    expect(r.err).toMatch(problem);
    expect(existsSync(clusterDir)).toBe(false);
  });

  it('down keeps the cluster name a broken file still gives', async () => {
    await floeDev(['render', '--cluster', 'mine']);
    writeFileSync(join(cwd, 'floe-dev.yaml'), 'cluster:\n  name: mine\nforwards: [\n');
    const r = await floeDev(['down', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ cluster: 'mine', stateFolder: { path: join(cwd, 'state', 'clusters', 'mine') } });
  });

  it('doctor warns and still reports every check', async () => {
    writeFileSync(join(cwd, 'floe-dev.yaml'), 'forwards:\n  cube: 99999\nnamespce: x\n');
    const r = await floeDev(['doctor', '--json']);
    expect([0, 3]).toContain(r.code);
    expect(r.err).toMatch(/^warning: the configuration has 2 problems; doctor leaves them out and carries on/m);
    const report = JSON.parse(r.out) as { checks: { id: string }[] };
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['docker', 'kind', 'kubectl', 'port-cube', 'disk']));
  });

  it('other commands still refuse it, exit 2', async () => {
    writeFileSync(join(cwd, 'floe-dev.yaml'), 'forwards:\n  cube: 99999\n');
    expect((await floeDev(['up'])).code).toBe(2);
    expect((await floeDev(['render'])).code).toBe(2);
  });
});

// Found by the hostile-input suite: `down --cluster ''` (or any invalid name) fell back to the default cluster
// floe-dev and removed it, warning only.
describe('down refuses a cluster name (or, with --keep-cluster, a namespace) that is not valid', () => {
  it.each([
    [['down', '--cluster', 'Mine_2'], {}, undefined, /`cluster\.name` \(in --cluster\)/],
    [['down', '--cluster', ''], {}, undefined, /`cluster\.name` \(in --cluster\)/],
    [['down'], { FLOE_DEV_CLUSTER: 'Xx' }, undefined, /`cluster\.name` \(from FLOE_DEV_CLUSTER\)/],
    [['down'], {}, 'cluster: 3\n', /`cluster` \(in .*floe-dev\.yaml\)/],
    [['down', '--keep-cluster', '--namespace', 'kube-system'], {}, undefined, /`namespace` \(in --namespace\)/],
    // Without its (broken) cluster.existing, down would take down the kind cluster floe-dev instead.
    [['down'], {}, 'cluster:\n  existing:\n    context: ""\n', /`cluster\.existing\.context` \(in .*floe-dev\.yaml\)/],
    [['down'], {}, 'cluster:\n  existing:\n    contxt: big\n', /`cluster\.existing/],
  ])('%j %j %j: exit 2, and the default cluster is left alone', async (argv, extra, yaml, problem) => {
    await floeDev(['render']);
    if (yaml) writeFileSync(join(cwd, 'floe-dev.yaml'), yaml);
    const r = await floeDev(argv, extra);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(problem);
    expect(r.err).toMatch(/^ {2}try: down acts on what these name, so it does not guess/m);
    expect(existsSync(join(clusterDir, 'credentials.json'))).toBe(true);
  });

  it('without --keep-cluster a bad namespace does not matter (the whole cluster goes)', async () => {
    await floeDev(['render']);
    const r = await floeDev(['down', '--namespace', 'kube-system']);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(clusterDir)).toBe(false);
  });
});
