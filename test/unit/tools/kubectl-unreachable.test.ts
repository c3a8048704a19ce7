// kubectl calls that find the API server unreachable are tried again a bounded number of times, then fail with
// the kubectl's own words and what to check; other failures are never retried.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { CommandError } from '../../../src/errors.js';
import { Kubectl, unreachableServer } from '../../../src/tools/kubectl.js';
import { FakeRunner } from '../../helpers/fake-runner.js';

const REFUSED = 'The connection to the server 127.0.0.1:40123 was refused - did you specify the right host or port?';

/** A clock that records the pauses asked for and returns at once. */
function recordingClock(): Clock & { pauses: number[] } {
  const pauses: number[] = [];
  return { pauses, now: () => 0, sleep: async (ms) => void pauses.push(ms) };
}

const version = JSON.stringify({ serverVersion: { gitVersion: 'v1.33.4' } });

describe('Kubectl: an unreachable API server', () => {
  it('retries a refused call, the pause doubling, and succeeds when the server answers', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl']).times(2).respond({ exitCode: 1, stderr: `E1201 memcache.go:265] ...\n${REFUSED}\n` });
    runner.expect(['kubectl']).respond({ stdout: version });
    const clock = recordingClock();
    const kubectl = new Kubectl(runner, 'kubectl', '/k', 'kind-x', { retry: { attempts: 4, backoffMs: 500, clock } });
    expect(await kubectl.serverVersion()).toBe('v1.33.4');
    expect(clock.pauses).toEqual([500, 1000]);
    runner.verify();
  });

  it('gives up after the attempts, with kubectl’s reason and a fix naming the kind node', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl']).respond({ exitCode: 1, stderr: `${REFUSED}\n` });
    const clock = recordingClock();
    const kubectl = new Kubectl(runner, 'kubectl', '/k', 'kind-floe', { retry: { attempts: 3, backoffMs: 10, clock } });
    const error = await kubectl.serverVersion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).reason).toBe(REFUSED);
    expect((error as CommandError).hint).toMatch(/docker ps -a --filter label=io\.x-k8s\.kind\.cluster=floe .*docker start/);
    expect(clock.pauses).toEqual([10, 20]);
  });

  it('never retries other failures (NotFound, bad input)', async () => {
    const runner = new FakeRunner();
    runner.expect(['kubectl']).once().respond({ exitCode: 1, stderr: 'Error from server (NotFound): deployments.apps "x" not found\n' });
    const clock = recordingClock();
    const kubectl = new Kubectl(runner, 'kubectl', '/k', 'kind-x', { retry: { attempts: 4, backoffMs: 10, clock } });
    await expect(kubectl.list('deployments/x')).rejects.toBeInstanceOf(CommandError);
    expect(clock.pauses).toEqual([]);
    runner.verify();
  });

  it.each([
    [REFUSED, true],
    ['Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)', true],
    ['error: stat /k: no such file or directory', false],
    ['Error from server (Forbidden): pods is forbidden', false],
  ])('recognises %s', (line, unreachable) => {
    expect(Boolean(unreachableServer(`klog noise\n${line}\n`))).toBe(unreachable);
  });
});
