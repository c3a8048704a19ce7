// The configuration schema: every key floe-dev accepts, its default, and what values are allowed.
import { z } from 'zod';
import { COMPONENTS, SERVICES } from '../names.js';
import { booleanValue, cpuQuantity, duration, list, memoryQuantity, optionalPort, port, wholeNumber } from './values.js';

export { DURATION_PATTERN, durationMs } from './duration.js';
export { port } from './values.js';

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

const resourceList = z.strictObject({ cpu: cpuQuantity.optional(), memory: memoryQuantity.optional() });

const serviceOverride = z.strictObject({
  image: imageRef.optional(),
  resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
});

/**
 * The usual local ports of the optional forwards (off by default). Grafana listens on 3000 in its pod, but
 * locally 3000 is Dagster's, so it gets 3001; MinIO's console and Prometheus keep their own.
 */
export const OPTIONAL_FORWARD_PORTS = { grafana: 3001, minioConsole: 9001, prometheus: 9090 } as const;

/**
 * Namespaces of Kubernetes itself (and kind's local-path-provisioner): floe-dev deletes its namespace on
 * `down --keep-cluster` and prunes objects by label in it, so it only ever works in a namespace of its own.
 * Kubernetes reserves the `kube-` prefix for its system namespaces (Namespaces concept page).
 */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

/**
 * One of the user's Dagster code locations: a gRPC server (`dagster api grpc`) run from their image, loading
 * exactly one of a module, a package or a file, as `dagster api grpc -m/--package-name/-f` does.
 */
const codeLocation = z
  .strictObject({
    /** Dagster's location name, and the Kubernetes name of its Deployment (dagster-code-NAME). */
    name: z
      .string()
      .max(40, 'must be at most 40 characters (it names a Kubernetes Deployment and Service)')
      .regex(DNS_LABEL, 'must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit'),
    image: imageRef,
    module: z.string().min(1).optional(),
    package: z.string().min(1).optional(),
    file: z.string().min(1).optional(),
    /** `dagster api grpc -d`: the working directory inside the image. */
    workingDirectory: z.string().min(1).optional(),
    /** The attribute holding the Definitions (`-a`), when it is not found by itself. */
    attribute: z.string().min(1).optional(),
    port: port.default(3030),
  })
  .superRefine((l, ctx) => {
    const given = (['module', 'package', 'file'] as const).filter((k) => l[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: given.length ? [given[1]!] : [],
        input: l,
        message: given.length
          ? `names both ${given.join(' and ')}: give exactly one of module, package or file`
          : 'needs one of module (e.g. my_project.definitions), package or file (a path inside the image)',
      });
    }
  });

/** A kind node image pinned by digest, as the kind v0.30.0 release notes list it. */
export const DEFAULT_NODE_IMAGE =
  'kindest/node:v1.33.4@sha256:25a6018e48dfcaee478f4a59af81157a437f15e6e140bf103f85a2e7cd0cbbf2';

/**
 * The local registry's image: the Docker official image `registry` 3.1.2, distribution/distribution v3.1.2
 * (docker-library/official-images library/registry: "Tags: 3.1.2, 3.1, 3, latest", amd64 and arm64v8 among its
 * architectures). It listens on :5000 and keeps its data under /var/lib/registry.
 */
export const DEFAULT_REGISTRY_IMAGE = 'registry:3.1.2';

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
      mergeKubeconfig: booleanValue.default(false),
      /**
       * A cluster floe-dev did not create, instead of kind: the user's kubeconfig (default: the first entry of
       * $KUBECONFIG, else ~/.kube/config, as kubectl picks it) and a context in it, named on every kubectl call.
       */
      existing: z
        .strictObject({
          // PATH_MAX on Linux is 4096.
          kubeconfig: z.string().min(1, 'must name a kubeconfig file').max(4096, 'must be a path of at most 4096 characters').optional(),
          context: z.string({ error: (issue) => (issue.input === undefined ? 'given; cluster.existing needs the context of your kubeconfig to install into (`kubectl config get-contexts` lists them)' : 'must be text: a context name') }).min(1, 'must name a context of your kubeconfig')
            // kubeconfig does not limit context names; kind's and the clouds' are far shorter than 253 (a DNS name's
            // limit), and one with a line break would break every message that names it.
            .max(253, 'must be at most 253 characters (a context name of your kubeconfig)')
            .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters such as line breaks'),
        })
        .optional(),
    })
    .superRefine((c, ctx) => {
      if (c.existing && c.mergeKubeconfig) {
        ctx.addIssue({ code: 'custom', path: ['mergeKubeconfig'], input: c.mergeKubeconfig, message: 'applies to kind clusters only: with cluster.existing floe-dev never writes to a kubeconfig' });
      }
    })
    .prefault({}),
  namespace: z
    .string()
    .max(63, 'must be at most 63 characters')
    .regex(DNS_LABEL, 'must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit')
    .refine(
      (ns) => !SYSTEM_NAMESPACES.includes(ns) && !ns.startsWith('kube-'),
      'belongs to Kubernetes itself: floe-dev installs only into a namespace of its own (default floe-platform)',
    )
    .default('floe-platform'),
  /** Enabled components; each brings the components it depends on. */
  components: list(z.enum(COMPONENTS))
    .refine((c) => c.length > 0, 'must name at least one component')
    .default([...COMPONENTS]),
  /** Per-service image and resource overrides, keyed by service name. */
  services: z.partialRecord(z.enum(SERVICES), serviceOverride).default({}),
  /** Dagster: the code locations it loads (none: Dagster's example). */
  orchestrator: z
    .strictObject({
      codeLocations: list(codeLocation)
        .superRefine((locations, ctx) => {
          const seen = new Set<string>();
          locations.forEach((l, i) => {
            if (seen.has(l.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], input: l.name, message: 'names a code location twice: each needs its own name' });
            seen.add(l.name);
          });
        })
        .default([]),
    })
    .prefault({}),
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
      load: booleanValue.default(true),
      /** More images to load with the platform's (e.g. your own code location). */
      extra: list(imageRef).default([]),
      /** How many images are pulled at once. */
      pullConcurrency: wholeNumber(1, 16, 'a number of images').default(4),
    })
    .prefault({}),
  /** A local OCI registry next to the cluster: your images are pushed there (only changed layers move). */
  registry: z
    .strictObject({
      enabled: booleanValue.default(false),
      /** Published on 127.0.0.1 only; pods name images localhost:<port>/... */
      port: port.default(5001),
      /** The registry's own image (a mirror of it, or a build of your own). */
      image: imageRef.default(DEFAULT_REGISTRY_IMAGE),
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
      grafana: optionalPort(OPTIONAL_FORWARD_PORTS.grafana),
      minioConsole: optionalPort(OPTIONAL_FORWARD_PORTS.minioConsole),
      prometheus: optionalPort(OPTIONAL_FORWARD_PORTS.prometheus),
      /** When a port is busy, use the next free one (and record it) instead of failing. */
      nextFreePort: booleanValue.default(false),
    })
    .prefault({})
    .superRefine((f, ctx) => {
      // Every port-valued key; `samePortAs` lets the loader blame the key the user set rather than a default.
      const seen = new Map<number, string>();
      for (const [key, value] of Object.entries(f)) {
        if (typeof value !== 'number') continue;
        const other = seen.get(value);
        if (other) ctx.addIssue({ code: 'custom', path: [key], input: value, message: `is the same port as forwards.${other}`, params: { samePortAs: other } });
        seen.set(value, key);
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
}).superRefine((c, ctx) => {
  // The local registry listens on this machine's 127.0.0.1 and is wired into kind's nodes: a cluster floe-dev did
  // not create cannot reach it.
  if (c.cluster.existing && c.registry.enabled) {
    ctx.addIssue({ code: 'custom', path: ['registry', 'enabled'], input: true, message: 'applies to kind clusters only: an existing cluster cannot reach a registry on 127.0.0.1 of this machine (push your images to a registry it reaches instead)' });
  }
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
