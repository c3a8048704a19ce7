// Dagster's webserver: the UI and GraphQL API on port 3000.
import { clusterService, configChecksum, container, deployment, httpProbe, resources } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import {
  DAGSTER_ARCHITECTURES,
  DAGSTER_IMAGE,
  DAGSTER_POD_SECURITY,
  WEBSERVER_PORT,
  dagsterConfigMaps,
  dagsterEnv,
  dagsterInstanceYaml,
  dagsterVolumes,
  dagsterWorkspaceYaml,
  waitForOrchestratorDb,
} from './dagster.js';

export const dagsterWebserver: ServiceDefinition = {
  name: 'dagster-webserver',
  component: 'orchestrator',
  description: "Dagster's webserver (UI and GraphQL) on 3000",
  title: 'Dagster webserver',
  readyTimeout: '5m',
  kind: 'Deployment',
  image: DAGSTER_IMAGE,
  architectures: DAGSTER_ARCHITECTURES,
  images: (ctx) => [ctx.image('dagster-webserver'), ctx.image('orchestrator-db')],
  // Service port 3000, named http: a contract with the forwards and the simulated toolchain.
  ports: [{ name: 'http', port: WEBSERVER_PORT, service: true }],
  readiness: { type: 'http', port: WEBSERVER_PORT, path: '/server_info' },
  dependsOn: ['orchestrator-db', 'dagster-code-location'],
  // Dagster publishes no webserver sizing; long-running webservers have been seen growing (dagster-io/dagster#18997).
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '768Mi' } },
  memoryFloor: { memory: '512Mi', source: 'estimate: a Python process serving GraphQL over the workspace snapshot, sized like a Dagster code server (512 MiB, Dagster+ ECS reference)' },
  forwards: [{ key: 'dagster', service: 'dagster-webserver', port: WEBSERVER_PORT, portName: 'http' }],
  smoke: [
    {
      name: 'dagster server info',
      forward: 'dagster',
      method: 'GET',
      path: '/server_info',
      expect: { status: 200, jsonPaths: ['dagster_webserver_version', 'dagster_version', 'dagster_graphql_version'] },
    },
    {
      name: 'dagster graphql',
      forward: 'dagster',
      method: 'POST',
      path: '/graphql',
      body: { json: { query: '{ version }' } },
      expect: { status: 200, jsonPaths: ['data.version'] },
    },
    {
      // Every code location of workspace.yaml loaded; one that failed carries its PythonError.
      name: 'dagster code location',
      forward: 'dagster',
      method: 'POST',
      path: '/graphql',
      body: {
        json: {
          query:
            '{ workspaceOrError { __typename ... on Workspace { locationEntries { name locationOrLoadError { __typename ... on PythonError { message } } } } ... on PythonError { message } } }',
        },
      },
      expect: {
        status: 200,
        jsonEquals: { 'data.workspaceOrError.__typename': 'Workspace' },
        nonEmptyArray: 'data.workspaceOrError.locationEntries',
        every: {
          path: 'data.workspaceOrError.locationEntries',
          equals: { 'locationOrLoadError.__typename': 'RepositoryLocation' },
          label: 'name',
          reason: 'locationOrLoadError.message',
        },
      },
    },
    {
      name: 'dagster daemon',
      forward: 'dagster',
      method: 'POST',
      path: '/graphql',
      body: { json: { query: '{ instance { daemonHealth { allDaemonStatuses { daemonType required healthy } } } }' } },
      expect: {
        status: 200,
        nonEmptyArray: 'data.instance.daemonHealth.allDaemonStatuses',
        every: { path: 'data.instance.daemonHealth.allDaemonStatuses', where: { required: true }, equals: { healthy: true }, label: 'daemonType' },
      },
    },
  ],
  secrets: [SECRETS.orchestratorDb],
  render: (ctx) => {
    const { volumes, mounts } = dagsterVolumes(true);
    return [
      ...dagsterConfigMaps(ctx),
      clusterService(ctx, dagsterWebserver),
      deployment(
        ctx,
        dagsterWebserver,
        {
          securityContext: DAGSTER_POD_SECURITY,
          initContainers: [waitForOrchestratorDb(ctx)],
          containers: [
            container({
              name: 'webserver',
              image: ctx.image('dagster-webserver'),
              // The chart's command (helpers "dagster.webserver.dagsterWebserverCommand"), on the docs' port 3000.
              command: ['dagster-webserver', '-h', '0.0.0.0', '-p', String(WEBSERVER_PORT), '-w', '/dagster-workspace/workspace.yaml'],
              env: dagsterEnv(),
              ports: [{ name: 'http', containerPort: WEBSERVER_PORT, protocol: 'TCP' }],
              // Chart readiness: /server_info, timeout 10, failure 3 (period 10 here instead of 20: a quicker `up`).
              readinessProbe: httpProbe('http', '/server_info', { periodSeconds: 10, timeoutSeconds: 10 }),
              livenessProbe: httpProbe('http', '/server_info', { initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 6 }),
              resources: resources(ctx.resources('dagster-webserver')),
              volumeMounts: mounts,
            }),
          ],
          volumes,
        },
        { annotations: configChecksum(dagsterInstanceYaml(ctx), dagsterWorkspaceYaml(ctx)) },
      ),
    ];
  },
};
