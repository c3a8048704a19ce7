// Dagster's daemon: schedules, sensors and the run queue; a singleton.
import { configChecksum, container, deployment, execProbe, resources } from '../k8s.js';
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import {
  DAGSTER_ARCHITECTURES,
  DAGSTER_IMAGE,
  DAGSTER_POD_SECURITY,
  dagsterConfigMaps,
  dagsterEnv,
  dagsterInstanceYaml,
  dagsterVolumes,
  dagsterWorkspaceYaml,
  waitForOrchestratorDb,
} from './dagster.js';

/** Exit 0 when every daemon has sent a recent heartbeat to the instance storage (Dagster docs, chart probes). */
const LIVENESS_CHECK = ['dagster-daemon', 'liveness-check'];

export const dagsterDaemon: ServiceDefinition = {
  name: 'dagster-daemon',
  component: 'orchestrator',
  description: "Dagster's daemon (schedules, sensors, run queue)",
  title: 'Dagster daemon',
  readyTimeout: '5m',
  kind: 'Deployment',
  image: DAGSTER_IMAGE,
  architectures: DAGSTER_ARCHITECTURES,
  images: (ctx) => [ctx.image('dagster-daemon'), ctx.image('orchestrator-db')],
  ports: [],
  readiness: { type: 'exec', command: LIVENESS_CHECK },
  dependsOn: ['orchestrator-db'],
  // Its memory grows slowly for as long as it runs (dagster-io/dagster#32070, still seen on 1.13.15) and with the
  // number of assets it evaluates (#26287); every liveness check starts another Python interpreter in the same limit.
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  memoryFloor: { memory: '512Mi', source: 'estimate: a Python process holding the workspace snapshot, sized like a Dagster code server (512 MiB, Dagster+ ECS reference); it grows over time (dagster-io/dagster#32070)' },
  secrets: [SECRETS.orchestratorDb],
  render: (ctx) => {
    const { volumes, mounts } = dagsterVolumes(true);
    return [
      ...dagsterConfigMaps(ctx),
      deployment(
        ctx,
        dagsterDaemon,
        {
          securityContext: DAGSTER_POD_SECURITY,
          initContainers: [waitForOrchestratorDb(ctx)],
          containers: [
            container({
              name: 'daemon',
              image: ctx.image('dagster-daemon'),
              // The chart's command (helpers "dagster.dagsterDaemon.daemonCommand").
              command: ['dagster-daemon', 'run', '-w', '/dagster-workspace/workspace.yaml'],
              env: dagsterEnv(),
              // The check reads heartbeats from PostgreSQL and starts a Python process: slow, so generous timings.
              readinessProbe: execProbe(LIVENESS_CHECK, { initialDelaySeconds: 15, periodSeconds: 20, timeoutSeconds: 30, failureThreshold: 6 }),
              livenessProbe: execProbe(LIVENESS_CHECK, { initialDelaySeconds: 120, periodSeconds: 60, timeoutSeconds: 30, failureThreshold: 5 }),
              resources: resources(ctx.resources('dagster-daemon')),
              volumeMounts: mounts,
            }),
          ],
          volumes,
        },
        // Two daemons at once would double-fire schedules (the chart uses Recreate too).
        { strategy: 'Recreate', annotations: configChecksum(dagsterInstanceYaml(ctx), dagsterWorkspaceYaml(ctx)) },
      ),
    ];
  },
};
