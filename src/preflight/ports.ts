// Is a local port free on 127.0.0.1, and if not, which process holds it (Linux: /proc; elsewhere: lsof).
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Runner } from '../tools/runner.js';

/** What happened when we tried to listen on 127.0.0.1:port, as `kubectl port-forward --address 127.0.0.1` will. */
export type BindResult = { outcome: 'free' } | { outcome: 'busy' } | { outcome: 'denied' } | { outcome: 'error'; message: string };

export async function tryBind(port: number, host = '127.0.0.1'): Promise<BindResult> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve({ outcome: 'busy' });
      else if (error.code === 'EACCES') resolve({ outcome: 'denied' });
      else resolve({ outcome: 'error', message: error.message });
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve({ outcome: 'free' })));
  });
}

/** The first port after `port` that binds, within `tries`, or undefined. */
export async function nextFreePort(port: number, tries = 20): Promise<number | undefined> {
  for (let p = port + 1; p <= Math.min(65535, port + tries); p++) {
    if ((await tryBind(p)).outcome === 'free') return p;
  }
  return undefined;
}

/** A process listening on a port, as far as the OS tells us. */
export interface PortHolder {
  pid?: number;
  /** Short name (comm), e.g. node, docker-proxy. */
  command?: string;
  /** The command line, shortened. */
  commandLine?: string;
  /** The holder's parent (to recognise kubectl port-forward children of floe-dev's supervisor). */
  ppid?: number;
  /** Owner when the process itself is not visible to us (another user's process). */
  uid?: number;
  user?: string;
  /** Where it listens, e.g. 127.0.0.1 or 0.0.0.0. */
  address?: string;
}

/** One row of /proc/net/tcp or /proc/net/tcp6. */
export interface ProcNetTcpEntry {
  address: string;
  port: number;
  /** Kernel TCP state; 0x0A is LISTEN. */
  state: number;
  uid: number;
  inode: number;
}

export const TCP_LISTEN = 0x0a;

/**
 * /proc/net/tcp{,6}: `sl local_address rem_address st ... uid timeout inode`. Addresses are hex words in the
 * kernel's byte order (little-endian on x86 and arm64), the port hex in host order.
 */
export function parseProcNetTcp(text: string, littleEndian = true): ProcNetTcpEntry[] {
  const entries: ProcNetTcpEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10) continue;
    const [addrHex, portHex] = (cols[1] ?? '').split(':');
    if (!addrHex || !portHex) continue;
    entries.push({
      address: decodeProcAddress(addrHex, littleEndian),
      port: parseInt(portHex, 16),
      state: parseInt(cols[3] ?? '', 16),
      uid: Number(cols[7]),
      inode: Number(cols[9]),
    });
  }
  return entries;
}

function decodeProcAddress(hex: string, littleEndian: boolean): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => {
    const b = (w.match(/../g) ?? []).map((x) => parseInt(x, 16));
    return littleEndian ? b.reverse() : b;
  });
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length !== 16) return hex;
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  // The longest run of zero groups becomes "::" (RFC 5952).
  let best = { start: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

/** The listeners on `port` from /proc/net/tcp and tcp6 texts. */
export function listenersOn(port: number, tables: readonly string[], littleEndian = true): ProcNetTcpEntry[] {
  return tables.flatMap((t) => parseProcNetTcp(t, littleEndian)).filter((e) => e.port === port && e.state === TCP_LISTEN);
}

/**
 * `lsof -nP -iTCP:PORT -sTCP:LISTEN` → the listening processes:
 * `COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME` then e.g. `node 4242 ada 23u IPv4 0x... 0t0 TCP 127.0.0.1:3000 (LISTEN)`.
 */
export function parseLsofListen(stdout: string): PortHolder[] {
  const holders: PortHolder[] = [];
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 9 || cols[0] === 'COMMAND' || !/^\d+$/.test(cols[1] ?? '')) continue;
    const name = cols.slice(8).join(' ');
    const address = /TCP\s+(\S+):\d+/.exec(`TCP ${name}`)?.[1]?.replace(/^\[(.*)\]$/, '$1');
    // lsof escapes spaces in command names as \x20.
    holders.push({ command: cols[0]?.replace(/\\x20/g, ' '), pid: Number(cols[1]), user: cols[2], address });
  }
  return holders;
}

/** Finds who listens on a port: /proc on Linux, lsof elsewhere (when installed). Never throws. */
export async function findPortHolder(port: number, options: { platform: NodeJS.Platform; runner: Runner; lsofPath?: string; signal?: AbortSignal }): Promise<PortHolder | undefined> {
  try {
    if (options.platform === 'linux') return findHolderInProc(port);
    const r = await options.runner.run([options.lsofPath ?? 'lsof', '-nP', `-iTCP:${port}`, '-sTCP:LISTEN'], {
      allowFailure: true,
      timeoutMs: 3_000,
      signal: options.signal,
    });
    return parseLsofListen(r.stdout)[0];
  } catch {
    // No lsof, no /proc, not allowed to look: we just cannot name the holder.
    return undefined;
  }
}

/** Linux: the LISTEN socket's inode from /proc/net/tcp{,6}, then the process whose fd links to `socket:[inode]`. */
export function findHolderInProc(port: number, proc = '/proc'): PortHolder | undefined {
  const tables = ['tcp', 'tcp6'].map((t) => {
    try {
      return readFileSync(`${proc}/net/${t}`, 'utf8');
    } catch {
      return '';
    }
  });
  const listeners = listenersOn(port, tables);
  // Prefer a listener that covers 127.0.0.1 (loopback or any address).
  const entry =
    listeners.find((e) => ['127.0.0.1', '0.0.0.0', '::', '::ffff:127.0.0.1'].includes(e.address)) ?? listeners[0];
  if (!entry) return undefined;
  const pid = pidOfSocket(entry.inode, proc);
  const user = userName(entry.uid);
  if (pid === undefined) return { uid: entry.uid, user, address: entry.address };
  return { pid, uid: entry.uid, user, address: entry.address, ...describeProcess(pid, proc) };
}

/** The login name of a uid from /etc/passwd (`name:x:uid:...`), when there is one. */
function userName(uid: number, passwd = '/etc/passwd'): string | undefined {
  try {
    const line = readFileSync(passwd, 'utf8')
      .split('\n')
      .find((l) => l.split(':')[2] === String(uid));
    return line?.split(':')[0] || undefined;
  } catch {
    return undefined;
  }
}

function pidOfSocket(inode: number, proc: string): number | undefined {
  if (!inode) return undefined;
  const target = `socket:[${inode}]`;
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${name}/fd`);
    } catch {
      continue; // Another user's process, or gone.
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`${proc}/${name}/fd/${fd}`) === target) return Number(name);
      } catch {
        // Closed while we looked.
      }
    }
  }
  return undefined;
}

function describeProcess(pid: number, proc: string): Pick<PortHolder, 'command' | 'commandLine' | 'ppid'> {
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(`${proc}/${pid}/${file}`, 'utf8');
    } catch {
      return undefined;
    }
  };
  const command = read('comm')?.trim();
  const cmdline = read('cmdline')?.split('\0').filter(Boolean).join(' ');
  // /proc/PID/stat: "pid (comm) state ppid ..."; comm may contain spaces and parentheses, so split after the last ")".
  const stat = read('stat');
  const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : undefined;
  return {
    command,
    commandLine: cmdline ? (cmdline.length > 100 ? `${cmdline.slice(0, 97)}...` : cmdline) : undefined,
    ppid: Number.isInteger(ppid) ? ppid : undefined,
  };
}
