// Dagster's code locations as floe-dev runs them: the user's (orchestrator.codeLocations), or Dagster's example
// when there are none. Each is a gRPC server Deployment + Service, listed in workspace.yaml.
import type { Config } from '../config/schema.js';

/** The example location's name in Dagster, and where its definitions file is mounted. */
export const CODE_LOCATION_NAME = 'example';
export const CODE_LOCATION_PORT = 3030;
export const EXAMPLE_DEFINITIONS_FILE = 'definitions.py';
export const EXAMPLE_CODE_DIR = '/opt/dagster/example';

export interface CodeLocation {
  /** Dagster's location name. */
  name: string;
  /** The Deployment and Service (and gRPC host) of its server. */
  workload: string;
  image: string;
  /** What `dagster api grpc` loads. */
  target: { kind: 'module' | 'package' | 'file'; value: string };
  workingDirectory?: string;
  attribute?: string;
  port: number;
  /** Dagster's example, run from the platform's image with definitions from a ConfigMap. */
  example: boolean;
}

/** The example keeps the Deployment name it always had, so turning to one's own code replaces it cleanly. */
export const EXAMPLE_WORKLOAD = 'dagster-code-location';

/** `dagster-code-<name>`: the user's locations' Deployments and Services. */
export function codeLocationWorkload(name: string): string {
  return `dagster-code-${name}`;
}

/** Every code location this configuration runs, in the order workspace.yaml lists them. */
export function codeLocations(config: Config, exampleImage: string): CodeLocation[] {
  const own = config.orchestrator.codeLocations;
  if (own.length === 0) {
    return [
      {
        name: CODE_LOCATION_NAME,
        workload: EXAMPLE_WORKLOAD,
        image: exampleImage,
        target: { kind: 'file', value: `${EXAMPLE_CODE_DIR}/${EXAMPLE_DEFINITIONS_FILE}` },
        port: CODE_LOCATION_PORT,
        example: true,
      },
    ];
  }
  return own.map((l) => ({
    name: l.name,
    workload: codeLocationWorkload(l.name),
    image: l.image,
    target: l.module !== undefined ? { kind: 'module', value: l.module } : l.package !== undefined ? { kind: 'package', value: l.package } : { kind: 'file', value: l.file! },
    ...(l.workingDirectory ? { workingDirectory: l.workingDirectory } : {}),
    ...(l.attribute ? { attribute: l.attribute } : {}),
    port: l.port,
    example: false,
  }));
}

/** `dagster api grpc`'s options (dagster _cli/api.py, python_origin_target_argument): short forms where they exist. */
const TARGET_FLAG: Record<CodeLocation['target']['kind'], string> = { module: '-m', package: '--package-name', file: '-f' };

/**
 * `dagster api grpc` for a location, as the chart's user deployments run it (dagster-user-deployments
 * templates/deployment-user.yaml). Your own code is loaded lazily (`--lazy-load-user-code`, dagster
 * _cli/api.py): a server whose code fails to import still starts and reports the Python error to Dagster,
 * which shows it for the location instead of the pod crash-looping.
 */
export function grpcArgs(location: CodeLocation): string[] {
  const args = ['dagster', 'api', 'grpc', '-h', '0.0.0.0', '-p', String(location.port), TARGET_FLAG[location.target.kind], location.target.value];
  if (location.workingDirectory) args.push('-d', location.workingDirectory);
  if (location.attribute) args.push('-a', location.attribute);
  if (!location.example) args.push('--lazy-load-user-code');
  return args;
}
