// Local ports before the supervisor starts: free ones kept, a busy one named with its holder, or moved with nextFreePort.
import { describe, expect, it } from 'vitest';
import { resolvePorts, type PortSystem } from '../../../src/forward/ports.js';
import type { PlannedForward } from '../../../src/forward/plan.js';
import type { BindResult, PortHolder } from '../../../src/preflight/ports.js';

const f = (key: PlannedForward['key'], wantedPort: number): Omit<PlannedForward, 'localPort'> => ({ key, service: key, port: wantedPort, wantedPort, probePath: '/' });

function system(busy: Record<number, PortHolder | undefined>): PortSystem & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    tryBind: async (port): Promise<BindResult> => {
      asked.push(port);
      return port in busy ? { outcome: 'busy' } : { outcome: 'free' };
    },
    findPortHolder: async (port) => busy[port],
  };
}

const holder: PortHolder = { pid: 4242, command: 'python3', commandLine: 'python3 -m http.server 4000', address: '127.0.0.1' };

describe('resolvePorts', () => {
  it('keeps free ports', async () => {
    const r = await resolvePorts([f('dagster', 3000), f('cube', 4000)], false, system({}));
    expect(r.forwards.map((x) => x.localPort)).toEqual([3000, 4000]);
    expect(r.moved).toEqual([]);
  });

  it('fails on a busy port, naming the port, the forward, the holder and the fixes', async () => {
    const error = (await resolvePorts([f('dagster', 3000), f('cube', 4000)], false, system({ 4000: holder })).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/cannot forward cube .*port 4000 on 127\.0\.0\.1: in use by python3 \(pid 4242: python3 -m http\.server 4000\)/);
    expect(error.hint).toMatch(/stop python3 \(pid 4242\)/);
    expect(error.hint).toMatch(/forwards\.cube: 4001 in floe-dev\.yaml \(or FLOE_DEV_FORWARD_CUBE=4001\)/);
    expect(error.hint).toMatch(/forwards\.nextFreePort: true/);
  });

  it('says when the OS does not name the holder', async () => {
    const error = (await resolvePorts([f('cube', 4000)], false, system({ 4000: undefined })).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/port 4000 on 127\.0\.0\.1: in use by a process the OS does not name/);
  });

  it('with nextFreePort uses the next free port, skipping ports other forwards want or took, and says so', async () => {
    // 3000 busy; 3001 is another forward's wanted port; 3002 busy too: dagster moves to 3003.
    const r = await resolvePorts([f('dagster', 3000), f('grafana', 3001)], true, system({ 3000: holder, 3002: undefined }));
    expect(r.forwards.map((x) => [x.key, x.wantedPort, x.localPort])).toEqual([
      ['dagster', 3000, 3003],
      ['grafana', 3001, 3001],
    ]);
    expect(r.moved).toEqual(['forwards.dagster: 3000 is in use by python3 (pid 4242: python3 -m http.server 4000); using 3003']);
  });

  it('never gives two forwards the same free port', async () => {
    const r = await resolvePorts([f('dagster', 3000), f('cube', 3001)], true, system({ 3000: undefined, 3001: undefined }));
    const ports = r.forwards.map((x) => x.localPort);
    expect(new Set(ports).size).toBe(2);
    expect(ports).toEqual([3002, 3003]);
  });

  it('fails when nextFreePort finds nothing free nearby', async () => {
    const busy = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [5000 + i, undefined]));
    await expect(resolvePorts([f('cube', 5000)], true, system(busy))).rejects.toThrow(/no free port within 20 after it/);
  });
});
