// The catalog's PostgreSQL: Polaris' relational-jdbc persistence.
import { SECRETS } from '../secrets.js';
import type { ServiceDefinition } from '../types.js';
import { postgresDefinition } from './postgres.js';

/** Database Polaris' JDBC URL names. */
export const CATALOG_DATABASE = 'polaris';

export const catalogDb: ServiceDefinition = postgresDefinition(
  {
    name: 'catalog-db',
    component: 'catalog',
    description: "PostgreSQL for Polaris' relational-jdbc persistence",
    secrets: [SECRETS.catalogDb],
  },
  { database: CATALOG_DATABASE, secret: SECRETS.catalogDb },
);
