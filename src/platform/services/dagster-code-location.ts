// Dagster's example code location: a gRPC server the webserver and daemon load definitions from.
import { clusterService, configChecksum, container, deployment, execProbe, resources } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import {
  CODE_LOCATION_IMAGE,
  CODE_LOCATION_PORT,
  DAGSTER_POD_SECURITY,
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
  description: "Dagster's example code location (gRPC server on 3030)",
  title: 'Dagster code location',
  readyTimeout: '5m',
  kind: 'Deployment',
  image: CODE_LOCATION_IMAGE,
  images: (ctx) => [ctx.image('dagster-code-location'), ctx.image('orchestrator-db')],
  ports: [{ name: 'grpc', port: CODE_LOCATION_PORT, service: true }],
  readiness: { type: 'exec', command: GRPC_HEALTH },
  dependsOn: ['orchestrator-db'],
  // Runs execute here (Dagster's default run launcher), hence more room than the gRPC server alone needs.
  resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  secrets: [SECRETS.orchestratorDb],
  render: (ctx) => {
    const { volumes, mounts } = dagsterVolumes(false);
    return [
      ...dagsterConfigMaps(ctx),
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
              // The chart's dagsterApiGrpcArgs for this image: -f /example_project/example_repo/repo.py.
              args: ['dagster', 'api', 'grpc', '-h', '0.0.0.0', '-p', String(CODE_LOCATION_PORT), '-f', '/example_project/example_repo/repo.py'],
              // DAGSTER_CURRENT_IMAGE: the chart sets it so that launched runs know their image.
              env: dagsterEnv({ DAGSTER_CURRENT_IMAGE: ctx.image('dagster-code-location') }),
              ports: [{ name: 'grpc', containerPort: CODE_LOCATION_PORT, protocol: 'TCP' }],
              // Chart defaults: period 20, timeout 10, failure 3 (every check starts a Python process).
              readinessProbe: execProbe(GRPC_HEALTH, { periodSeconds: 20, timeoutSeconds: 10 }),
              resources: resources(ctx.resources('dagster-code-location')),
              volumeMounts: mounts,
            }),
          ],
          volumes,
        },
        { annotations: configChecksum(dagsterInstanceYaml(ctx)) },
      ),
    ];
  },
};
