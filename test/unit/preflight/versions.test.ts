// What kind and kubectl print about their versions, and the node image's Kubernetes version.
import { describe, expect, it } from 'vitest';
import { compareVersions, nodeImageKubernetesVersion, parseKindVersion, parseKubectlClientVersion } from '../../../src/preflight/versions.js';

describe('parseKindVersion', () => {
  it.each([
    ['kind v0.30.0 go1.24.6 linux/amd64\n', '0.30.0'],
    ['kind v0.8.1 go1.14.2 darwin/amd64', '0.8.1'],
    ['kind v0.31.0-alpha.12+4f2a go1.25.1 linux/arm64', '0.31.0'],
    ['WARNING: something first\nkind v0.27.0 go1.23.6 linux/amd64', '0.27.0'],
  ])('%j → %s', (stdout, version) => {
    const v = parseKindVersion(stdout);
    expect(v && `${v.major}.${v.minor}.${v.patch}`).toBe(version);
  });

  it.each([[''], ['kind: command not understood'], ['go1.24.6']])('%j → undefined', (stdout) => {
    expect(parseKindVersion(stdout)).toBeUndefined();
  });
});

describe('parseKubectlClientVersion', () => {
  const json = (client: object) => JSON.stringify({ clientVersion: client, kustomizeVersion: 'v5.5.0' });
  it.each([
    ['an upstream build', json({ major: '1', minor: '32', gitVersion: 'v1.32.4' }), [1, 32, 4], 'v1.32.4'],
    ['a vendor build (this machine\'s kubectl)', json({ major: '1', minor: '32+', gitVersion: 'v1.32.4-dispatcher' }), [1, 32, 4], 'v1.32.4-dispatcher'],
    ['an EKS build', json({ major: '1', minor: '30+', gitVersion: 'v1.30.2-eks-1552ad0' }), [1, 30, 2], 'v1.30.2-eks-1552ad0'],
    ['no gitVersion: major/minor', json({ major: '1', minor: '29+' }), [1, 29, 0], '1.29+'],
  ])('%s', (_name, stdout, [major, minor, patch], text) => {
    expect(parseKubectlClientVersion(stdout)).toEqual({ major, minor, patch, text });
  });

  it.each([['not json', 'Client Version: v1.32.4'], ['no clientVersion', '{"serverVersion":{}}'], ['empty client', '{"clientVersion":{}}']])(
    '%s → undefined',
    (_name, stdout) => expect(parseKubectlClientVersion(stdout)).toBeUndefined(),
  );
});

describe('nodeImageKubernetesVersion', () => {
  it.each([
    ['kindest/node:v1.33.4@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2', '1.33.4'],
    ['kindest/node:v1.31.12', '1.31.12'],
    ['registry.local:5000/kindest/node:v1.34.0', '1.34.0'],
    ['my/node-image:custom', undefined],
    ['my/node-image@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2', undefined],
  ])('%s → %s', (image, expected) => {
    const v = nodeImageKubernetesVersion(image);
    expect(v && `${v.major}.${v.minor}.${v.patch}`).toBe(expected);
  });
});

describe('compareVersions', () => {
  it.each([
    [[0, 20, 0], [0, 20, 0], 0],
    [[0, 19, 9], [0, 20, 0], -1],
    [[1, 0, 0], [0, 99, 9], 1],
    [[1, 28, 1], [1, 28, 0], 1],
  ])('%j vs %j', ([a1, a2, a3], [b1, b2, b3], sign) => {
    expect(Math.sign(compareVersions({ major: a1!, minor: a2!, patch: a3! }, { major: b1!, minor: b2!, patch: b3! }))).toBe(sign);
  });
});
