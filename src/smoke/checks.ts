// Which smoke checks run: those of the selected services (data in each service module), in catalog order.
import type { Config } from '../config/schema.js';
import type { ServiceName } from '../platform/names.js';
import { selectServices } from '../platform/select.js';
import type { ServiceDefinition, SmokeCheck } from '../platform/types.js';

export interface PlannedCheck {
  service: ServiceName;
  check: SmokeCheck;
}

/** The selected services' checks. A check that needs one no selected service declares (or a later one) is a catalog bug. */
export function plannedChecks(config: Config, services: readonly ServiceDefinition[] = selectServices(config)): PlannedCheck[] {
  const planned = services.flatMap((def) => (def.smoke ?? []).map((check) => ({ service: def.name, check })));
  const names = new Set<string>();
  for (const { check } of planned) {
    if (names.has(check.name)) throw new Error(`smoke check "${check.name}" is declared twice`);
    names.add(check.name);
  }
  // A check may only need checks declared before it: no cycles, and the list reads in the order things happen.
  const before = new Set<string>();
  for (const { check } of planned) {
    for (const need of check.needs ?? []) {
      if (!names.has(need)) throw new Error(`smoke check "${check.name}" needs "${need}", which no selected service declares`);
      if (!before.has(need)) throw new Error(`smoke check "${check.name}" needs "${need}", which is declared after it`);
    }
    before.add(check.name);
  }
  return planned;
}
