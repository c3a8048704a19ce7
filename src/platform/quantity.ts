// Quantities live in the leaf src/quantity.ts (the configuration checks them too, and config/ sits below
// platform/); re-exported here for the catalog's modules.
export { formatCpu, formatMemory, mebibytes, parseCpu, parseMemory } from '../quantity.js';
