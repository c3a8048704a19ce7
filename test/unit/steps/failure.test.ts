// What a step's failure becomes when the step did not explain it itself: the step, the reason and a fix.
import { mkdirSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandError, FloeError, InterruptedError } from '../../../src/errors.js';
import { explainStepFailure } from '../../../src/steps/failure.js';
import { testContext } from '../../helpers/context.js';

function fsError(code: string, path?: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: failed, write`) as NodeJS.ErrnoException;
  e.code = code;
  if (path) e.path = path;
  return e;
}

describe('explainStepFailure', () => {
  it('a full disk names the step, the file and the fix', () => {
    const ctx = testContext();
    const file = `${ctx.paths.dir}/forwards-plan.json`;
    const out = explainStepFailure('Forwards', ctx, fsError('ENOSPC', file)) as FloeError;
    expect(out).toBeInstanceOf(FloeError);
    expect(out.message).toBe(`forwards failed: could not write ${file}: no space left on the device holding ${file}`);
    expect(out.hint).toMatch(new RegExp(`df -h ${ctx.paths.dir}.*floe-dev up again`));
  });

  it('a write error without a path names the state folder', () => {
    const ctx = testContext();
    const out = explainStepFailure('Cluster', ctx, fsError('EROFS')) as FloeError;
    expect(out.message).toMatch(`cluster failed: could not write a file in ${ctx.paths.dir}: `);
    expect(out.hint).toMatch(/FLOE_DEV_HOME/);
  });

  it('the state folder removed after the cluster step: says so and how to start afresh', () => {
    const ctx = testContext();
    ctx.cache.set('cluster', { name: 'floe-dev' });
    const out = explainStepFailure('Platform services', ctx, new CommandError(['kubectl'], { exitCode: 1, stdout: '', stderr: 'error: stat x: no such file or directory' })) as FloeError;
    expect(out.message).toMatch(/^platform services failed: the state folder .* was removed while up ran/);
    expect(out.message).toMatch(/error: stat x: no such file or directory/);
    expect(out.hint).toMatch(/floe-dev up --recreate/);
  });

  it('a state folder that is there is not blamed; a hintless command failure gets where to read it all', () => {
    const ctx = testContext();
    ctx.cache.set('cluster', { name: 'floe-dev' });
    mkdirSync(ctx.paths.dir, { recursive: true });
    try {
      const out = explainStepFailure('Platform services', ctx, new CommandError(['kubectl', 'apply'], { exitCode: 1, stdout: '', stderr: 'boom' })) as CommandError;
      expect(out).toBeInstanceOf(CommandError);
      expect(out.message).toMatch(/kubectl apply failed with exit code 1: boom/);
      expect(out.hint).toMatch(/run's log/);
    } finally {
      rmSync(ctx.paths.dir, { recursive: true, force: true });
    }
  });

  it('kubectl that timed out blames the API server, with what to check for kind and for an existing cluster', () => {
    const timedOut = (argv: string[]) => new CommandError(argv, { exitCode: undefined, stdout: '', stderr: '', timedOut: true });
    const ctx = testContext();
    const out = explainStepFailure('Platform services', ctx, timedOut(['/usr/bin/kubectl', 'get', 'pods'])) as FloeError;
    expect(out.message).toMatch(/^platform services failed: the Kubernetes API server did not answer in time: .*kubectl get pods timed out/);
    expect(out.hint).toMatch(new RegExp(`docker ps --filter name=${ctx.config.cluster.name}-control-plane`));
    const existing = testContext({ config: { cluster: { existing: { context: 'prod' } } } });
    expect((explainStepFailure('Platform services', existing, timedOut(['kubectl', 'get', 'pods'])) as FloeError).hint).toMatch(/kubectl --context prod get --raw \/readyz/);
    // Not a timeout, or not the API: the generic explanation.
    expect((explainStepFailure('Forwards', ctx, timedOut(['kubectl', 'port-forward', 'svc/x', '1:1'])) as FloeError).message).not.toMatch(/API server/);
    expect((explainStepFailure('Images', ctx, timedOut(['kind', 'load', 'docker-image', 'x'])) as FloeError).message).not.toMatch(/API server/);
  });

  it('leaves an interruption and an explained error as they are', () => {
    const ctx = testContext();
    const interrupted = new InterruptedError();
    expect(explainStepFailure('Images', ctx, interrupted)).toBe(interrupted);
    const explained = new FloeError('images: could not pull', { hint: 'docker login' });
    expect(explainStepFailure('Images', ctx, explained)).toBe(explained);
  });
});
