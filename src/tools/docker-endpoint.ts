// Which Docker Engine endpoint the user's `docker` CLI would use: DOCKER_HOST, else the current context, else the default socket.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PrerequisiteError } from '../errors.js';

/** Where the endpoint came from, so messages can say which setting to change. */
export type EndpointSource =
  | { kind: 'DOCKER_HOST' }
  /** A `docker context`, named by DOCKER_CONTEXT or by `currentContext` in the CLI's config.json. */
  | { kind: 'context'; name: string; from: 'DOCKER_CONTEXT' | 'config'; metaFile: string }
  | { kind: 'default' };

/** TLS material for a tcp endpoint: file paths, read when connecting. */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  /** Verify the server's certificate (DOCKER_TLS_VERIFY, or a context without SkipTLSVerify). */
  verify: boolean;
}

export type DockerEndpoint = {
  /** The endpoint as the docker CLI would print it, e.g. unix:///var/run/docker.sock. */
  url: string;
  source: EndpointSource;
} & (
  | { protocol: 'unix' | 'npipe'; socketPath: string }
  | { protocol: 'tcp'; host: string; port: number; tls: TlsFiles | undefined }
  | { protocol: 'ssh'; host: string; port: number; username: string | undefined }
);

/** What the resolution reads: the environment and a few files. Injected so it is table-tested without a disk. */
export interface EndpointSystem {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homedir: string;
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
}

export function nodeEndpointSystem(env: Record<string, string | undefined>): EndpointSystem {
  return {
    env,
    platform: process.platform,
    homedir: env.HOME || homedir(),
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    exists: (path) => existsSync(path),
  };
}

const LINUX_SOCKET = '/var/run/docker.sock';
const WINDOWS_PIPE = '//./pipe/docker_engine';

/**
 * The docker CLI's order (docker/cli `resolveContextName`): DOCKER_HOST wins over any context; then
 * DOCKER_CONTEXT; then `currentContext` in $DOCKER_CONFIG/config.json; the context named "default" and no
 * context at all mean the default socket.
 */
export function resolveDockerEndpoint(sys: EndpointSystem): DockerEndpoint {
  const { env } = sys;
  const configDir = dockerConfigDir(sys);
  if (env.DOCKER_HOST) {
    return parseDockerHost(env.DOCKER_HOST, { kind: 'DOCKER_HOST' }, envTls(env, configDir));
  }
  const fromEnv = env.DOCKER_CONTEXT;
  const name = fromEnv || currentContext(sys, configDir);
  if (!name || name === 'default') return defaultEndpoint(sys);

  const hash = createHash('sha256').update(name).digest('hex');
  const metaFile = join(configDir, 'contexts', 'meta', hash, 'meta.json');
  const source: EndpointSource = { kind: 'context', name, from: fromEnv ? 'DOCKER_CONTEXT' : 'config', metaFile };
  const text = sys.readFile(metaFile);
  const where = fromEnv ? 'DOCKER_CONTEXT' : `currentContext in ${join(configDir, 'config.json')}`;
  if (text === undefined) {
    throw new PrerequisiteError(`the docker context "${name}" (${where}) does not exist: no ${metaFile}`, {
      hint: fromEnv ? 'unset DOCKER_CONTEXT or name an existing context (`docker context ls`)' : '`docker context ls`, then `docker context use <name>` (or `docker context use default`)',
    });
  }
  const meta = parseJson(text) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } } | undefined;
  const host = meta?.Endpoints?.docker?.Host;
  if (typeof host !== 'string' || !host) {
    throw new PrerequisiteError(`the docker context "${name}" (${where}) has no Docker endpoint in ${metaFile}`, {
      hint: '`docker context inspect ' + name + '` shows it; `docker context use default` goes back to the default socket',
    });
  }
  const tlsDir = join(configDir, 'contexts', 'tls', hash, 'docker');
  const tls = contextTls(sys, tlsDir, meta?.Endpoints?.docker?.SkipTLSVerify === true);
  return parseDockerHost(host, source, tls);
}

/** $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(sys: Pick<EndpointSystem, 'env' | 'homedir'>): string {
  return sys.env.DOCKER_CONFIG || join(sys.homedir, '.docker');
}

/** How messages name the endpoint: "unix:///var/run/docker.sock (default socket)". */
export function describeEndpoint(endpoint: DockerEndpoint): string {
  const s = endpoint.source;
  const from =
    s.kind === 'DOCKER_HOST' ? 'from DOCKER_HOST' : s.kind === 'context' ? `docker context "${s.name}"` : 'default socket';
  return `${endpoint.url} (${from})`;
}

/**
 * DOCKER_HOST or a context's Host: unix://PATH, npipe://PATH, tcp://HOST[:PORT], HOST:PORT, ssh://[USER@]HOST[:PORT].
 * Ports default as in the docker CLI: 2376 with TLS, else 2375; 22 for ssh.
 */
export function parseDockerHost(value: string, source: EndpointSource, tls: TlsFiles | undefined): DockerEndpoint {
  const bad = (why: string): PrerequisiteError =>
    new PrerequisiteError(`the Docker endpoint ${JSON.stringify(value)} (${sourceName(source)}) ${why}`, {
      hint: 'use unix:///path/to/docker.sock, tcp://host:2376 or ssh://user@host',
    });
  const text = value.trim();
  for (const protocol of ['unix', 'npipe'] as const) {
    if (text.startsWith(`${protocol}://`)) {
      const socketPath = text.slice(protocol.length + 3);
      if (!socketPath) throw bad('names no socket path');
      return { protocol, socketPath, url: `${protocol}://${socketPath}`, source };
    }
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `tcp://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw bad('is not a valid address');
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'ssh:') throw bad(`uses ${url.protocol}// which floe-dev cannot talk to`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw bad('names no host');
  if (url.protocol === 'ssh:') {
    const port = url.port ? Number(url.port) : 22;
    const username = url.username ? decodeURIComponent(url.username) : undefined;
    return { protocol: 'ssh', host, port, username, url: `ssh://${username ? `${username}@` : ''}${url.host}`, source };
  }
  const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
  return { protocol: 'tcp', host, port, tls, url: `tcp://${url.hostname}:${port}`, source };
}

function sourceName(source: EndpointSource): string {
  return source.kind === 'DOCKER_HOST' ? 'DOCKER_HOST' : source.kind === 'context' ? `docker context "${source.name}"` : 'default';
}

/** The socket the docker CLI falls back to; Docker Desktop on macOS may only offer ~/.docker/run/docker.sock. */
function defaultEndpoint(sys: EndpointSystem): DockerEndpoint {
  const source: EndpointSource = { kind: 'default' };
  if (sys.platform === 'win32') return { protocol: 'npipe', socketPath: WINDOWS_PIPE, url: `npipe://${WINDOWS_PIPE}`, source };
  let socketPath = LINUX_SOCKET;
  if (sys.platform === 'darwin' && !sys.exists(LINUX_SOCKET)) {
    const user = join(sys.homedir, '.docker', 'run', 'docker.sock');
    if (sys.exists(user)) socketPath = user;
  }
  return { protocol: 'unix', socketPath, url: `unix://${socketPath}`, source };
}

function currentContext(sys: EndpointSystem, configDir: string): string | undefined {
  const text = sys.readFile(join(configDir, 'config.json'));
  if (text === undefined) return undefined;
  // The docker CLI only warns about an unreadable config.json and goes on with the default: so do we.
  const config = parseJson(text) as { currentContext?: unknown } | undefined;
  return typeof config?.currentContext === 'string' && config.currentContext ? config.currentContext : undefined;
}

/** DOCKER_TLS_VERIFY (verify) or DOCKER_TLS (no verify), with certificates from DOCKER_CERT_PATH or the config dir. */
function envTls(env: EndpointSystem['env'], configDir: string): TlsFiles | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const dir = env.DOCKER_CERT_PATH || configDir;
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), verify };
}

/** A context keeps its TLS files under contexts/tls/<hash>/docker; none means plain TCP (or a socket). */
function contextTls(sys: EndpointSystem, dir: string, skipVerify: boolean): TlsFiles | undefined {
  const file = (name: string): string | undefined => (sys.exists(join(dir, name)) ? join(dir, name) : undefined);
  const [ca, cert, key] = [file('ca.pem'), file('cert.pem'), file('key.pem')];
  if (!ca && !cert && !key) return undefined;
  return { ca, cert, key, verify: !skipVerify };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
