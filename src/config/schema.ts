// The configuration schema: every key floe-dev accepts, its default, and what values are allowed.
import { z } from 'zod';
import { COMPONENTS, SERVICES } from '../platform/names.js';

/**
 * kind's cluster-name rule (kind pkg/internal/apis/config/validate.go: `^[a-z0-9.-]+$`); kind also caps the
 * name so that node container names and the `kind-<name>` context stay valid hostnames.
 */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9.-]+$/;
export const CLUSTER_NAME_MAX = 50;

/** An RFC 1123 label, as Kubernetes requires for namespace names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A Docker image reference (distribution/reference grammar, lower-case repository) that is pinned:
 * it names a tag or a digest, and the tag is not `latest`.
 */
const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const imageRef = z.string().superRefine((value, ctx) => {
  if (!IMAGE_REF.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'is not a valid image reference (expected e.g. registry/name:tag)' });
    return;
  }
  const withoutDigest = value.split('@')[0] ?? value;
  const lastSegment = withoutDigest.split('/').at(-1) ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':')[1] : undefined;
  if (!value.includes('@') && tag === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be pinned: add a tag (name:1.2.3) or a digest (name@sha256:...)' });
  } else if (tag === 'latest' && !value.includes('@')) {
    ctx.addIssue({ code: 'custom', message: 'must be pinned to a version, not `latest`' });
  }
});

/** Kubernetes CPU quantity, positive: `250m`, `0.5`, `2`. */
const cpuQuantity = z
  .string()
  .regex(/^(?:\d+(?:\.\d+)?|\.\d+)m?$/, 'is not a CPU quantity (expected e.g. 250m or 0.5)')
  .refine((v) => parseFloat(v) > 0, 'must be greater than zero');

/** Kubernetes memory quantity, positive: `256Mi`, `1Gi`, `512M`, `1073741824`. */
const memoryQuantity = z
  .string()
  .regex(/^(?:\d+(?:\.\d+)?|\.\d+)(?:Ki|Mi|Gi|Ti|k|K|M|G|T)?$/, 'is not a memory quantity (expected e.g. 256Mi or 1Gi)')
  .refine((v) => parseFloat(v) > 0, 'must be greater than zero');

const resourceList = z.strictObject({ cpu: cpuQuantity.optional(), memory: memoryQuantity.optional() });

const serviceOverride = z.strictObject({
  image: imageRef.optional(),
  resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
});

export const port = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/**
 * The usual local ports of the optional forwards (off by default). Grafana listens on 3000 in its pod, but
 * locally 3000 is Dagster's, so it gets 3001; MinIO's console and Prometheus keep their own.
 */
export const OPTIONAL_FORWARD_PORTS = { grafana: 3001, minioConsole: 9001, prometheus: 9090 } as const;

/** An optional forward: off unless set; `true` turns it on at its usual port, a number at that port. */
const optionalForward = (usual: number) =>
  z
    .union([port, z.boolean()], { error: 'must be a port number, or true (its usual port) or false (off)' })
    .optional()
    .transform((v) => (v === true ? usual : v === false ? undefined : v));

/** `90s`, `5m`, `1h`, `500ms`, or a number of seconds. */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h)$/;
const duration = z.preprocess(
  (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? `${v}s` : v),
  z.string({ error: 'must be a duration such as 90s, 5m or 1h' }).regex(DURATION_PATTERN, 'must be a duration such as 90s, 5m or 1h'),
);

/** A kind node image pinned by digest, as the kind v0.30.0 release notes list it. */
export const DEFAULT_NODE_IMAGE =
  'kindest/node:v1.33.4@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2';

export const configSchema = z.strictObject({
  cluster: z
    .strictObject({
      name: z
        .string()
        .max(CLUSTER_NAME_MAX, `must be at most ${CLUSTER_NAME_MAX} characters`)
        .regex(CLUSTER_NAME_PATTERN, 'must use only lower-case letters, digits, "." and "-" (kind\'s rule)')
        .default('floe-dev'),
      nodeImage: imageRef.default(DEFAULT_NODE_IMAGE),
      /** Also merge the cluster's context into ~/.kube/config (off: floe-dev keeps its own kubeconfig). */
      mergeKubeconfig: z.boolean().default(false),
    })
    .prefault({}),
  namespace: z
    .string()
    .max(63, 'must be at most 63 characters')
    .regex(DNS_LABEL, 'must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit')
    .default('floe-platform'),
  /** Enabled components; each brings the components it depends on. */
  components: z
    .array(z.enum(COMPONENTS))
    .min(1, 'must name at least one component')
    .default([...COMPONENTS]),
  /** Per-service image and resource overrides, keyed by service name. */
  services: z.partialRecord(z.enum(SERVICES), serviceOverride).default({}),
  semantic: z
    .strictObject({
      /**
       * Cube's cache and queue driver: Cube Store (as in production), in-process memory (lightest), or `auto`:
       * Cube Store where Cube publishes its versioned image (amd64), memory elsewhere (arm64, cube-js/cube#8570).
       */
      cache: z.enum(['auto', 'cubestore', 'memory']).default('auto'),
    })
    .prefault({}),
  images: z
    .strictObject({
      /** Side-load images into the kind node (pods then never pull from a registry). */
      load: z.boolean().default(true),
      /** More images to load with the platform's (e.g. your own code location). */
      extra: z.array(imageRef).default([]),
      /** How many images are pulled at once. */
      pullConcurrency: z.number().int().min(1).max(16).default(4),
    })
    .prefault({}),
  forwards: z
    .strictObject({
      dagster: port.default(3000),
      polaris: port.default(8181),
      polarisManagement: port.default(8182),
      cube: port.default(4000),
      /** MinIO's S3 API, so Iceberg clients on the laptop can read and write the warehouse. */
      minio: port.default(9000),
      /** Optional forwards, off by default: `true` (usual port) or a port number. */
      grafana: optionalForward(OPTIONAL_FORWARD_PORTS.grafana),
      minioConsole: optionalForward(OPTIONAL_FORWARD_PORTS.minioConsole),
      prometheus: optionalForward(OPTIONAL_FORWARD_PORTS.prometheus),
      /** When a port is busy, use the next free one (and record it) instead of failing. */
      nextFreePort: z.boolean().default(false),
    })
    .prefault({})
    .superRefine((f, ctx) => {
      const seen = new Map<number, string>();
      for (const key of ['dagster', 'polaris', 'polarisManagement', 'cube', 'minio', 'grafana', 'minioConsole', 'prometheus'] as const) {
        const port = f[key];
        if (port === undefined) continue;
        const other = seen.get(port);
        if (other) ctx.addIssue({ code: 'custom', path: [key], input: port, message: `is the same port as forwards.${other}` });
        seen.set(port, key);
      }
    }),
  timeouts: z
    .strictObject({
      /** The whole `up`. */
      up: duration.default('15m'),
      /**
       * One service becoming ready. Unset: each service's own budget from the catalog (a JVM gets longer
       * than PostgreSQL); set: that budget for every service.
       */
      ready: duration.optional(),
      /** One smoke check, retries included. */
      smoke: duration.default('60s'),
    })
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Milliseconds of a validated duration string. */
export function durationMs(value: string): number {
  const m = DURATION_PATTERN.exec(value);
  if (!m) throw new Error(`not a validated duration: ${value}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return n * unit;
}
