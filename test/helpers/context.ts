// A Context for in-process tests: default configuration, state in a temp folder, fakes for the tools.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock.js';
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import type { Context } from '../../src/context.js';
import { clusterPaths } from '../../src/state/paths.js';
import type { Tools } from '../../src/tools/index.js';
import type { DockerApi } from '../../src/tools/docker.js';
import { FakeRunner } from './fake-runner.js';

export interface TestContext extends Context {
  /** What the logger printed. */
  logged: string[];
}

export interface TestContextOptions {
  config?: ConfigInput;
  tools?: Partial<Omit<Tools, 'docker'>> & { docker?: DockerApi | (() => Promise<DockerApi>) };
  signal?: AbortSignal;
  home?: string;
}

export function testContext(options: TestContextOptions = {}): TestContext {
  const config = configSchema.parse(options.config ?? {});
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'floe-test-'));
  const env = { FLOE_DEV_HOME: home, HOME: home };
  const logged: string[] = [];
  const docker = options.tools?.docker;
  const tools: Tools = {
    runner: options.tools?.runner ?? new FakeRunner(),
    http: options.tools?.http ?? {
      request: () => Promise.reject(new Error('testContext: no http fake given')),
    },
    docker:
      typeof docker === 'function'
        ? docker
        : () => (docker ? Promise.resolve(docker) : Promise.reject(new Error('testContext: no docker fake given'))),
    kindPath: options.tools?.kindPath ?? 'kind',
    kubectlPath: options.tools?.kubectlPath ?? 'kubectl',
  };
  return {
    config,
    configFile: undefined,
    paths: clusterPaths(env, config.cluster.name),
    tools,
    clock: systemClock,
    log: {
      info: (m) => logged.push(m),
      warn: (m) => logged.push(`warning: ${m}`),
      debug: (m) => logged.push(`debug: ${m}`),
    },
    signal: options.signal ?? new AbortController().signal,
    env,
    cwd: home,
    verbose: false,
    interactive: false,
    output: 'text',
    cache: new Map(),
    logged,
  };
}
