// Dagster's example code location: a gRPC server the webserver and daemon load definitions from.
import { clusterService, configChecksum, configMap, container, deployment, execProbe, resources } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import {
  CODE_LOCATION_IMAGE,
  CODE_LOCATION_PORT,
  DAGSTER_ARCHITECTURES,
  DAGSTER_POD_SECURITY,
  EXAMPLE_CODE_CONFIG_MAP,
  EXAMPLE_CODE_DIR,
  EXAMPLE_DEFINITIONS,
  EXAMPLE_DEFINITIONS_FILE,
  dagsterConfigMaps,
  dagsterEnv,
  dagsterInstanceYaml,
  dagsterVolumes,
  waitForOrchestratorDb,
} from './dagster.js';

/** The chart's health check for user code (dagster-user-deployments templates/deployment-user.yaml). */
const GRPC_HEALTH = ['dagster', 'api', 'grpc-health-check', '-p', String(CODE_LOCATION_PORT)];

export const dagsterCodeLocation: ServiceDefinition = {
  name: 'dagster-code-location',
  component: 'orchestrator',
  description: "Dagster's example code location (gRPC server on 3030, definitions from a ConfigMap)",
  title: 'Dagster code location',
  readyTimeout: '5m',
  kind: 'Deployment',
  image: CODE_LOCATION_IMAGE,
  architectures: DAGSTER_ARCHITECTURES,
  images: (ctx) => [ctx.image('dagster-code-location'), ctx.image('orchestrator-db')],
  ports: [{ name: 'grpc', port: CODE_LOCATION_PORT, service: true }],
  readiness: { type: 'exec', command: GRPC_HEALTH },
  dependsOn: ['orchestrator-db'],
  // Dagster sizes a code server alone at 512 MiB (Dagster+ ECS agent configuration reference, server_resources).
  // Here runs execute in it too (the default run launcher starts each run as a subprocess of the gRPC server),
  // and every readiness check starts another Python interpreter inside the same limit: twice that.
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  memoryFloor: { memory: '512Mi', source: 'Dagster+ ECS agent configuration reference: server_resources memory 512 for a code server (before runs and probes)' },
  secrets: [SECRETS.orchestratorDb],
  render: (ctx) => {
    const { volumes, mounts } = dagsterVolumes(false);
    const definitions = `${EXAMPLE_CODE_DIR}/${EXAMPLE_DEFINITIONS_FILE}`;
    return [
      ...dagsterConfigMaps(ctx),
      configMap(ctx, dagsterCodeLocation, EXAMPLE_CODE_CONFIG_MAP, { [EXAMPLE_DEFINITIONS_FILE]: EXAMPLE_DEFINITIONS }),
      clusterService(ctx, dagsterCodeLocation),
      deployment(
        ctx,
        dagsterCodeLocation,
        {
          securityContext: DAGSTER_POD_SECURITY,
          initContainers: [waitForOrchestratorDb(ctx)],
          containers: [
            container({
              name: 'code-location',
              image: ctx.image('dagster-code-location'),
              // The chart's user-deployment command shape (dagster api grpc -h -p -f), over the ConfigMap's file.
              args: ['dagster', 'api', 'grpc', '-h', '0.0.0.0', '-p', String(CODE_LOCATION_PORT), '-f', definitions],
              // DAGSTER_CURRENT_IMAGE: the chart sets it so that launched runs know their image. No bytecode
              // files: the definitions' folder is not writable.
              env: dagsterEnv({ DAGSTER_CURRENT_IMAGE: ctx.image('dagster-code-location'), PYTHONDONTWRITEBYTECODE: '1' }),
              ports: [{ name: 'grpc', containerPort: CODE_LOCATION_PORT, protocol: 'TCP' }],
              // Chart defaults: period 20, timeout 10, failure 3 (every check starts a Python process).
              readinessProbe: execProbe(GRPC_HEALTH, { periodSeconds: 20, timeoutSeconds: 10 }),
              resources: resources(ctx.resources('dagster-code-location')),
              volumeMounts: [...mounts, { name: 'example-code', mountPath: definitions, subPath: EXAMPLE_DEFINITIONS_FILE, readOnly: true }],
            }),
          ],
          volumes: [...volumes, { name: 'example-code', configMap: { name: EXAMPLE_CODE_CONFIG_MAP } }],
        },
        // The definitions are a subPath mount (it does not follow ConfigMap updates): a change rolls the pod.
        { annotations: configChecksum(dagsterInstanceYaml(ctx), EXAMPLE_DEFINITIONS) },
      ),
    ];
  },
};
