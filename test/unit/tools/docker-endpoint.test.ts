// Docker endpoint resolution as the docker CLI does it: DOCKER_HOST, DOCKER_CONTEXT, currentContext, default socket.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PrerequisiteError } from '../../../src/errors.js';
import { describeEndpoint, parseDockerHost, resolveDockerEndpoint, type EndpointSystem } from '../../../src/tools/docker-endpoint.js';

const HOME = '/home/ada';
const hash = (name: string): string => createHash('sha256').update(name).digest('hex');
const meta = (configDir: string, name: string): string => `${configDir}/contexts/meta/${hash(name)}/meta.json`;
const metaJson = (name: string, host: string, skip = false): string =>
  JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: skip } } });

function system(env: Record<string, string>, files: Record<string, string> = {}, platform: NodeJS.Platform = 'linux'): EndpointSystem {
  return { env, platform, homedir: HOME, readFile: (p) => files[p], exists: (p) => p in files };
}

describe('resolveDockerEndpoint', () => {
  it.each([
    ['nothing set: the default socket', system({}), 'unix:///var/run/docker.sock', 'default'],
    ['DOCKER_HOST unix', system({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }), 'unix:///run/user/1000/docker.sock', 'DOCKER_HOST'],
    ['DOCKER_HOST tcp', system({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }), 'tcp://10.0.0.5:2375', 'DOCKER_HOST'],
    ['DOCKER_HOST host:port without scheme', system({ DOCKER_HOST: 'build-box:2375' }), 'tcp://build-box:2375', 'DOCKER_HOST'],
    ['DOCKER_HOST tcp without port', system({ DOCKER_HOST: 'tcp://box' }), 'tcp://box:2375', 'DOCKER_HOST'],
    ['DOCKER_HOST tcp without port, TLS', system({ DOCKER_HOST: 'tcp://box', DOCKER_TLS_VERIFY: '1' }), 'tcp://box:2376', 'DOCKER_HOST'],
    ['DOCKER_HOST ssh', system({ DOCKER_HOST: 'ssh://ada@remote' }), 'ssh://ada@remote', 'DOCKER_HOST'],
    [
      'DOCKER_HOST wins over DOCKER_CONTEXT and currentContext',
      system(
        { DOCKER_HOST: 'unix:///tmp/d.sock', DOCKER_CONTEXT: 'colima' },
        { [`${HOME}/.docker/config.json`]: '{"currentContext":"orbstack"}', [meta(`${HOME}/.docker`, 'colima')]: metaJson('colima', 'unix:///c.sock') },
      ),
      'unix:///tmp/d.sock',
      'DOCKER_HOST',
    ],
    [
      'currentContext from ~/.docker/config.json (Colima)',
      system(
        {},
        {
          [`${HOME}/.docker/config.json`]: '{"auths":{},"currentContext":"colima"}',
          [meta(`${HOME}/.docker`, 'colima')]: metaJson('colima', `unix://${HOME}/.colima/default/docker.sock`),
        },
      ),
      `unix://${HOME}/.colima/default/docker.sock`,
      'context',
    ],
    [
      'DOCKER_CONTEXT wins over currentContext',
      system(
        { DOCKER_CONTEXT: 'orbstack' },
        {
          [`${HOME}/.docker/config.json`]: '{"currentContext":"colima"}',
          [meta(`${HOME}/.docker`, 'orbstack')]: metaJson('orbstack', `unix://${HOME}/.orbstack/run/docker.sock`),
        },
      ),
      `unix://${HOME}/.orbstack/run/docker.sock`,
      'context',
    ],
    [
      'DOCKER_CONFIG moves config.json and contexts',
      system(
        { DOCKER_CONFIG: '/etc/dockercfg' },
        {
          '/etc/dockercfg/config.json': '{"currentContext":"rancher-desktop"}',
          [meta('/etc/dockercfg', 'rancher-desktop')]: metaJson('rancher-desktop', `unix://${HOME}/.rd/docker.sock`),
        },
      ),
      `unix://${HOME}/.rd/docker.sock`,
      'context',
    ],
    ['the context named "default" is the default socket', system({ DOCKER_CONTEXT: 'default' }), 'unix:///var/run/docker.sock', 'default'],
    ['a config.json that is not JSON is ignored (the docker CLI only warns)', system({}, { [`${HOME}/.docker/config.json`]: '{oops' }), 'unix:///var/run/docker.sock', 'default'],
    [
      'macOS without /var/run/docker.sock: Docker Desktop\'s ~/.docker/run/docker.sock',
      system({}, { [`${HOME}/.docker/run/docker.sock`]: '' }, 'darwin'),
      `unix://${HOME}/.docker/run/docker.sock`,
      'default',
    ],
    [
      'macOS with /var/run/docker.sock: that one',
      system({}, { '/var/run/docker.sock': '', [`${HOME}/.docker/run/docker.sock`]: '' }, 'darwin'),
      'unix:///var/run/docker.sock',
      'default',
    ],
    ['Linux never looks at ~/.docker/run', system({}, { [`${HOME}/.docker/run/docker.sock`]: '' }, 'linux'), 'unix:///var/run/docker.sock', 'default'],
    ['Windows: the named pipe', system({}, {}, 'win32'), 'npipe:////./pipe/docker_engine', 'default'],
  ])('%s', (_name, sys, url, source) => {
    const endpoint = resolveDockerEndpoint(sys);
    expect(endpoint.url).toBe(url);
    expect(endpoint.source.kind).toBe(source);
  });

  it('names the context and where it came from', () => {
    const sys = system({ DOCKER_CONTEXT: 'colima' }, { [meta(`${HOME}/.docker`, 'colima')]: metaJson('colima', 'unix:///c.sock') });
    const endpoint = resolveDockerEndpoint(sys);
    expect(endpoint.source).toEqual({ kind: 'context', name: 'colima', from: 'DOCKER_CONTEXT', metaFile: meta(`${HOME}/.docker`, 'colima') });
    expect(describeEndpoint(endpoint)).toBe('unix:///c.sock (docker context "colima")');
  });

  it('uses a context\'s TLS files, verifying unless SkipTLSVerify', () => {
    const tls = `${HOME}/.docker/contexts/tls/${hash('remote')}/docker`;
    const files = {
      [meta(`${HOME}/.docker`, 'remote')]: metaJson('remote', 'tcp://docker.example:2376', true),
      [`${tls}/ca.pem`]: '',
      [`${tls}/cert.pem`]: '',
      [`${tls}/key.pem`]: '',
    };
    const endpoint = resolveDockerEndpoint(system({ DOCKER_CONTEXT: 'remote' }, files));
    expect(endpoint).toMatchObject({ protocol: 'tcp', host: 'docker.example', port: 2376, tls: { ca: `${tls}/ca.pem`, cert: `${tls}/cert.pem`, key: `${tls}/key.pem`, verify: false } });
  });

  it('takes TLS certificates for DOCKER_HOST from DOCKER_CERT_PATH', () => {
    const endpoint = resolveDockerEndpoint(system({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }));
    expect(endpoint).toMatchObject({ protocol: 'tcp', tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem', verify: true } });
  });

  it.each([
    ['DOCKER_CONTEXT names a context that does not exist', system({ DOCKER_CONTEXT: 'colima' }), /docker context "colima" \(DOCKER_CONTEXT\) does not exist/, /unset DOCKER_CONTEXT/],
    [
      'currentContext names a context that does not exist',
      system({}, { [`${HOME}/.docker/config.json`]: '{"currentContext":"gone"}' }),
      /docker context "gone" \(currentContext in \/home\/ada\/.docker\/config.json\) does not exist/,
      /docker context use/,
    ],
    [
      'a context without a docker endpoint',
      system({ DOCKER_CONTEXT: 'k8s-only' }, { [meta(`${HOME}/.docker`, 'k8s-only')]: '{"Name":"k8s-only","Endpoints":{}}' }),
      /has no Docker endpoint/,
      /docker context inspect k8s-only/,
    ],
    ['DOCKER_HOST with an unsupported scheme', system({ DOCKER_HOST: 'fd://' }), /"fd:\/\/" \(DOCKER_HOST\) uses fd:\/\/ which floe-dev cannot talk to/, /unix:\/\//],
    ['DOCKER_HOST tcp:// without a host', system({ DOCKER_HOST: 'tcp://:2375' }), /names no host|not a valid address/, /tcp:\/\/host/],
    ['DOCKER_HOST unix:// without a path', system({ DOCKER_HOST: 'unix://' }), /names no socket path/, /unix:\/\//],
  ])('%s is a prerequisite error with a fix', (_name, sys, message, hint) => {
    let error: unknown;
    try {
      resolveDockerEndpoint(sys);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect((error as PrerequisiteError).message).toMatch(message);
    expect((error as PrerequisiteError).hint).toMatch(hint);
  });
});

describe('parseDockerHost', () => {
  it.each([
    ['tcp://[::1]:2375', { protocol: 'tcp', host: '::1', port: 2375 }],
    ['ssh://ada@remote:2222', { protocol: 'ssh', host: 'remote', port: 2222, username: 'ada' }],
    ['ssh://remote', { protocol: 'ssh', host: 'remote', port: 22, username: undefined }],
    ['npipe:////./pipe/docker_engine', { protocol: 'npipe', socketPath: '//./pipe/docker_engine' }],
  ])('%s', (value, expected) => {
    expect(parseDockerHost(value, { kind: 'DOCKER_HOST' }, undefined)).toMatchObject(expected);
  });
});
