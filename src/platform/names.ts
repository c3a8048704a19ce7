// The platform's component and service names live in the leaf src/names.ts (the config schema needs them too,
// and config/ sits below platform/); re-exported here for the catalog's modules.
export { COMPONENTS, SERVICES, type ComponentName, type ServiceName } from '../names.js';
