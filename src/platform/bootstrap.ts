// The bootstrap tasks of the platform, as data: what `up` sets up inside the services once they are ready
// (design §5.6), each with the component it belongs to and what it waits for. The steps run them.
import type { ComponentName, ServiceName } from './names.js';

export type BootstrapName = 'warehouse-bucket' | 'polaris-catalog';

export interface BootstrapSpec {
  name: BootstrapName;
  title: string;
  component: ComponentName;
  /** Services or other bootstrap tasks that must be done first. */
  dependsOn: readonly (ServiceName | BootstrapName)[];
}

export const BOOTSTRAP: readonly BootstrapSpec[] = [
  // The Job creates the bucket; this proves it exists (a signed S3 request) and creates it when the Job did not.
  { name: 'warehouse-bucket', title: 'Warehouse bucket', component: 'storage', dependsOn: ['minio-bucket'] },
  // The realm answers with the generated root credentials; the Iceberg catalog on the bucket exists, with content
  // grants. Polaris does not look into the bucket when the catalog is made: MinIO being up is enough.
  { name: 'polaris-catalog', title: 'Polaris catalog', component: 'catalog', dependsOn: ['polaris', 'minio-bucket'] },
];
