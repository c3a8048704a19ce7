// Dagster's code locations: one gRPC server (Deployment + Service) per location the webserver and daemon load
// definitions from — the user's (orchestrator.codeLocations), or Dagster's example when there are none.
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IService } from 'kubernetes-models/v1';
import { codeLocations, grpcArgs, type CodeLocation } from '../code-locations.js';
import { configChecksum, configMap, container, deployment, execProbe, labels, meta, resources, selectorLabels } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { KubeObject, RenderContext, ServiceDefinition } from '../types.js';
import {
  CODE_LOCATION_IMAGE,
  CODE_LOCATION_PORT,
  DAGSTER_ARCHITECTURES,
  DAGSTER_POD_SECURITY,
  EXAMPLE_CODE_CONFIG_MAP,
  EXAMPLE_DEFINITIONS,
  EXAMPLE_DEFINITIONS_FILE,
  dagsterConfigMaps,
  dagsterEnv,
  dagsterInstanceYaml,
  dagsterVolumes,
  waitForOrchestratorDb,
} from './dagster.js';

/** The chart's health check for user code (dagster-user-deployments templates/deployment-user.yaml). */
export const grpcHealth = (port: number) => ['dagster', 'api', 'grpc-health-check', '-p', String(port)];

/** The pod label that tells the code locations' pods apart (one Service each). */
export const CODE_LOCATION_LABEL = 'floe.dev/code-location';

/** The pod annotation with the image's ID: a rebuilt image under the same tag then rolls the pods. */
export const IMAGE_ID_ANNOTATION = 'floe.dev/image-id';

const locationsOf = (ctx: Pick<RenderContext, 'config' | 'image'>) => codeLocations(ctx.config, ctx.image('dagster-code-location'));

export const dagsterCodeLocation: ServiceDefinition = {
  name: 'dagster-code-location',
  component: 'orchestrator',
  description: "Dagster's code locations: one gRPC server each (yours from orchestrator.codeLocations, or Dagster's example)",
  title: 'Dagster code location',
  readyTimeout: '5m',
  kind: 'Deployment',
  image: CODE_LOCATION_IMAGE,
  architectures: DAGSTER_ARCHITECTURES,
  images: (ctx) => [...new Set(locationsOf(ctx).map((l) => l.image)), ctx.image('orchestrator-db')],
  workloads: (ctx) => locationsOf(ctx).map((l) => ({ kind: 'Deployment', name: l.workload })),
  ports: [{ name: 'grpc', port: CODE_LOCATION_PORT, service: true }],
  readiness: { type: 'exec', command: grpcHealth(CODE_LOCATION_PORT) },
  dependsOn: ['orchestrator-db'],
  // Dagster sizes a code server alone at 512 MiB (Dagster+ ECS agent configuration reference, server_resources).
  // Here runs execute in it too (the default run launcher starts each run as a subprocess of the gRPC server),
  // and every readiness check starts another Python interpreter inside the same limit: twice that.
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  memoryFloor: { memory: '512Mi', source: 'Dagster+ ECS agent configuration reference: server_resources memory 512 for a code server (before runs and probes)' },
  secrets: [SECRETS.orchestratorDb],
  render: (ctx) => {
    const locations = locationsOf(ctx);
    const objects: KubeObject[] = [...dagsterConfigMaps(ctx)];
    if (locations.some((l) => l.example)) {
      objects.push(configMap(ctx, dagsterCodeLocation, EXAMPLE_CODE_CONFIG_MAP, { [EXAMPLE_DEFINITIONS_FILE]: EXAMPLE_DEFINITIONS }));
    }
    for (const l of locations) objects.push(locationService(ctx, l), locationDeployment(ctx, l));
    return objects;
  },
};

/**
 * Pods of the example keep the selector the example always had (selectors are immutable once applied); each of
 * the user's locations adds its name, so every Service selects only its own server.
 */
function podSelector(l: CodeLocation): Record<string, string> {
  return l.example ? selectorLabels(dagsterCodeLocation) : { ...selectorLabels(dagsterCodeLocation), [CODE_LOCATION_LABEL]: l.name };
}

function locationService(ctx: RenderContext, l: CodeLocation): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, dagsterCodeLocation, l.workload),
    spec: { type: 'ClusterIP', selector: podSelector(l), ports: [{ name: 'grpc', port: l.port, targetPort: 'grpc', protocol: 'TCP' }] },
  };
}

function locationDeployment(ctx: RenderContext, l: CodeLocation): IDeployment {
  const { volumes, mounts } = dagsterVolumes(false);
  const example = l.example ? { mount: { name: 'example-code', mountPath: l.target.value, subPath: EXAMPLE_DEFINITIONS_FILE, readOnly: true }, volume: { name: 'example-code', configMap: { name: EXAMPLE_CODE_CONFIG_MAP } } } : undefined;
  const imageId = ctx.imageIds?.[l.image];
  // Pushed to the local registry: the pod pulls it from there by digest (no side-loading).
  const image = ctx.imageRefs?.[l.image] ?? l.image;
  const base = deployment(
    ctx,
    dagsterCodeLocation,
    {
      securityContext: DAGSTER_POD_SECURITY,
      initContainers: [waitForOrchestratorDb(ctx)],
      containers: [
        container({
          name: 'code-location',
          image,
          args: grpcArgs(l),
          // DAGSTER_CURRENT_IMAGE: the chart sets it so that launched runs know their image. No bytecode files:
          // the example's definitions folder is not writable.
          env: dagsterEnv({ DAGSTER_CURRENT_IMAGE: image, PYTHONDONTWRITEBYTECODE: '1' }),
          ports: [{ name: 'grpc', containerPort: l.port, protocol: 'TCP' }],
          // Chart defaults: period 20, timeout 10, failure 3 (every check starts a Python process).
          readinessProbe: execProbe(grpcHealth(l.port), { periodSeconds: 20, timeoutSeconds: 10 }),
          resources: resources(ctx.resources('dagster-code-location')),
          volumeMounts: example ? [...mounts, example.mount] : mounts,
        }),
      ],
      volumes: example ? [...volumes, example.volume] : volumes,
    },
    // The example's definitions are a subPath mount (it does not follow ConfigMap updates): a change rolls the pod.
    {
      annotations: {
        ...configChecksum(dagsterInstanceYaml(ctx), l.example ? EXAMPLE_DEFINITIONS : ''),
        ...(imageId ? { [IMAGE_ID_ANNOTATION]: imageId } : {}),
      },
    },
  );
  const selector = podSelector(l);
  return {
    ...base,
    metadata: { ...base.metadata, name: l.workload },
    spec: {
      ...base.spec!,
      selector: { matchLabels: selector },
      template: { ...base.spec!.template, metadata: { ...base.spec!.template.metadata, labels: { ...labels(dagsterCodeLocation), ...selector } } },
    },
  };
}
