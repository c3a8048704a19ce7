// Port probes: /proc/net/tcp and lsof parsing (pure), and binding / naming the holder for real on this machine.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findHolderInProc, listenersOn, nextFreePort, parseLsofListen, parseProcNetTcp, tryBind } from '../../../src/preflight/ports.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, st: string, uid: number, inode: number): string =>
  `   0: ${local} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000 ${uid}        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

describe('parseProcNetTcp', () => {
  it.each([
    ['IPv4 loopback', row('0100007F:0BB8', '0A', 1000, 4242), { address: '127.0.0.1', port: 3000, state: 0x0a, uid: 1000, inode: 4242 }],
    ['IPv4 any', row('00000000:1FF5', '0A', 0, 7), { address: '0.0.0.0', port: 8181 }],
    ['IPv4 established', row('0F02000A:0FA0', '01', 1000, 9), { address: '10.0.2.15', port: 4000, state: 1 }],
    ['IPv6 any', row('00000000000000000000000000000000:1FF6', '0A', 0, 8), { address: '::', port: 8182 }],
    ['IPv6 loopback', row('00000000000000000000000001000000:0BB8', '0A', 0, 8), { address: '::1', port: 3000 }],
    ['IPv4-mapped IPv6', row('0000000000000000FFFF00000100007F:0BB8', '0A', 0, 8), { address: '::ffff:127.0.0.1', port: 3000 }],
  ])('%s', (_name, line, expected) => {
    expect(parseProcNetTcp(HEADER + line)).toEqual([expect.objectContaining(expected)]);
  });

  it('reads big-endian kernels too', () => {
    expect(parseProcNetTcp(HEADER + row('7F000001:0BB8', '0A', 0, 1), false)[0]?.address).toBe('127.0.0.1');
  });

  it('listenersOn keeps only LISTEN rows of the port, from both tables', () => {
    const tcp = HEADER + row('0100007F:0BB8', '0A', 1000, 1) + row('0100007F:0BB8', '01', 1000, 2) + row('0100007F:0FA0', '0A', 1000, 3);
    const tcp6 = HEADER + row('00000000000000000000000000000000:0BB8', '0A', 0, 4);
    expect(listenersOn(3000, [tcp, tcp6]).map((e) => e.inode)).toEqual([1, 4]);
    expect(listenersOn(9999, [tcp, tcp6])).toEqual([]);
  });

  it('skips short or garbled lines', () => {
    expect(parseProcNetTcp(`${HEADER}\n  garbage\n`)).toEqual([]);
  });
});

describe('parseLsofListen', () => {
  it('reads lsof -nP -iTCP:PORT -sTCP:LISTEN', () => {
    const out = [
      'COMMAND     PID USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME',
      'node      48213  ada   23u  IPv4 0x9b1f2c3d4e5f6a7b      0t0  TCP 127.0.0.1:3000 (LISTEN)',
      'com.docke  1234  ada  101u  IPv6 0x1111111111111111      0t0  TCP [::1]:3000 (LISTEN)',
      'My\\x20App   77  ada    5u  IPv4 0x2222222222222222      0t0  TCP *:3000 (LISTEN)',
    ].join('\n');
    expect(parseLsofListen(out)).toEqual([
      { command: 'node', pid: 48213, user: 'ada', address: '127.0.0.1' },
      { command: 'com.docke', pid: 1234, user: 'ada', address: '::1' },
      { command: 'My App', pid: 77, user: 'ada', address: '*' },
    ]);
  });

  it('nothing listening: lsof prints nothing', () => {
    expect(parseLsofListen('')).toEqual([]);
  });
});

describe('on this machine', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function listen(): Promise<number> {
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('tryBind: a port we hold is busy; after closing it is free', async () => {
    const port = await listen();
    expect(await tryBind(port)).toEqual({ outcome: 'busy' });
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await tryBind(port)).toEqual({ outcome: 'free' });
  });

  it('nextFreePort finds a port after a busy one', async () => {
    const port = await listen();
    const next = await nextFreePort(port);
    expect(next).toBeGreaterThan(port);
    expect(await tryBind(next!)).toEqual({ outcome: 'free' });
  });

  it.skipIf(process.platform !== 'linux')('findHolderInProc names this very process as the holder (Linux /proc)', async () => {
    const port = await listen();
    const holder = findHolderInProc(port);
    expect(holder).toMatchObject({ pid: process.pid, address: '127.0.0.1', ppid: process.ppid, uid: process.getuid?.() });
    expect(holder?.commandLine).toContain(process.argv0.split('/').pop()!.slice(0, 4));
  });

  it.skipIf(process.platform !== 'linux')('findHolderInProc: nobody listens → undefined', async () => {
    const port = await listen();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(findHolderInProc(port)).toBeUndefined();
  });
});
