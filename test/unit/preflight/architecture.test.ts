// doctor's Architecture finding: the platform's images against the engine's (the kind node's) architecture, and
// what the platform chose there; judged purely, then through the check with a fake engine.
import { describe, expect, it } from 'vitest';
import { evaluateArchitecture } from '../../../src/preflight/evaluate.js';
import { architectureCheck, runPreflight, type PreflightSystem } from '../../../src/steps/preflight.js';
import type { ConfigInput } from '../../../src/config/schema.js';
import { testContext } from '../../helpers/context.js';
import { FakeDocker, engineInfo } from '../../helpers/fake-docker.js';

describe('evaluateArchitecture', () => {
  it.each([
    [
      'a clean amd64 platform',
      { arch: 'amd64', unsupported: [], overridden: [], notes: [] },
      { status: 'ok', detail: 'amd64: every platform image is published for linux/amd64' },
    ],
    [
      'arm64 with a note',
      { arch: 'arm64', unsupported: [], overridden: [], notes: ['Cube’s cache runs in memory.'] },
      { status: 'ok', detail: 'arm64: every platform image is published for linux/arm64; Cube’s cache runs in memory.' },
    ],
    [
      'an image the user set',
      { arch: 'arm64', unsupported: [], overridden: ['cubestore'], notes: [] },
      { status: 'ok', detail: 'arm64: every platform image is published for linux/arm64; the image you set for cubestore is checked after pulling' },
    ],
    [
      'a default image missing the architecture',
      { arch: 'arm64', unsupported: [{ service: 'cubestore', image: 'cubejs/cubestore:v1.7.43', fix: 'set semantic.cache: memory' }], overridden: [], notes: [] },
      { status: 'fail', detail: 'arm64 node: cubejs/cubestore:v1.7.43 (cubestore) is not published for linux/arm64', fix: 'set semantic.cache: memory' },
    ],
    [
      'an architecture kind has no images for',
      { arch: 's390x', unsupported: [], overridden: [], notes: [] },
      { status: 'fail', detail: 'no platform images for s390x (kind runs on amd64 and arm64)', fix: 'run floe-dev on an amd64 or arm64 machine' },
    ],
  ] as const)('%s', (_what, facts, finding) => {
    expect(evaluateArchitecture(facts)).toEqual(finding);
  });
});

/** The Architecture check alone, with an engine of `arch` and a laptop of `host`. */
async function architectureFinding(arch: string, config: ConfigInput = {}, host = arch) {
  const docker = new FakeDocker({ state: 'up', info: engineInfo({ architecture: arch }) });
  const ctx = testContext({ tools: { docker }, config });
  const system = { platform: 'darwin', arch: host } as PreflightSystem;
  const report = await runPreflight(ctx, { checks: [architectureCheck], system, memoryNeeds: { requestsBytes: 0, limitsBytes: 0, overheadBytes: 0 } });
  expect(docker.calls).toEqual(['ping', 'info']);
  return report.checks[0]!;
}

describe('the Architecture check (doctor, and the first step of up)', () => {
  it('an arm64 engine with the defaults: ok, and it says Cube’s cache runs in memory there', async () => {
    const c = await architectureFinding('arm64');
    expect(c).toMatchObject({ id: 'architecture', title: 'Architecture', status: 'ok' });
    expect(c.detail).toMatch(/^arm64: every platform image is published for linux\/arm64; Cube's cache runs in Cube's memory on arm64/);
  });

  it('an amd64 engine with the defaults: ok, nothing to add (Cube Store runs)', async () => {
    expect(await architectureFinding('amd64')).toMatchObject({ status: 'ok', detail: 'amd64: every platform image is published for linux/amd64' });
  });

  it('semantic.cache: cubestore on an arm64 engine fails with both ways out', async () => {
    const c = await architectureFinding('arm64', { semantic: { cache: 'cubestore' } });
    expect(c.status).toBe('fail');
    expect(c.detail).toBe('arm64 node: cubejs/cubestore:v1.7.43 (cubestore) is not published for linux/arm64');
    expect(c.fix).toMatch(/semantic\.cache: memory \(or auto\).*services\.cubestore\.image: cubejs\/cubestore:v1\.7\.43-arm64v8/);
  });

  it('auto follows the engine, not this machine (an arm64 engine reached from an amd64 laptop)', async () => {
    expect(await architectureFinding('arm64', {}, 'amd64')).toMatchObject({ status: 'ok' });
  });
});
