// The orchestrator's PostgreSQL: Dagster's run, event-log and schedule storage.
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import { postgresDefinition } from './postgres.js';

/** Database named in dagster.yaml's postgres_db.db_name. */
export const ORCHESTRATOR_DATABASE = 'dagster';

export const orchestratorDb: ServiceDefinition = postgresDefinition(
  {
    name: 'orchestrator-db',
    component: 'orchestrator',
    description: "PostgreSQL for Dagster's run, event-log and schedule storage",
    secrets: [SECRETS.orchestratorDb],
  },
  { database: ORCHESTRATOR_DATABASE, secret: SECRETS.orchestratorDb },
);
