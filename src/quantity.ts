// Kubernetes resource quantities: parsing (for validation, budgets, JVM/Go memory caps) and formatting. A leaf, shared
// by the configuration (which checks what users write) and the platform (which renders and sums it).

/** Suffixes Kubernetes accepts (k8s.io/apimachinery resource.Quantity): binary, decimal SI, and milli. */
const MEMORY_FACTORS: Record<string, number> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/;

/** Bytes of a memory quantity, or undefined when Kubernetes would not accept it as a positive memory size. */
export function parseMemory(quantity: string): number | undefined {
  const m = QUANTITY.exec(quantity.trim());
  if (!m || m[2] === 'm') return undefined;
  const bytes = Number(m[1]) * MEMORY_FACTORS[m[2] ?? '']!;
  return bytes > 0 ? bytes : undefined;
}

/** Millicores of a CPU quantity (`250m`, `0.5`, `2`), or undefined when not a positive CPU amount. */
export function parseCpu(quantity: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(m)?$/.exec(quantity.trim());
  if (!m) return undefined;
  const millis = m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
  // Kubernetes keeps CPU to the millicore; anything smaller rounds to zero.
  return millis >= 1 ? millis : undefined;
}

/** `805306368` → `768Mi`, `2415919104` → `2.25Gi`: Gi when exact to two decimals, else Mi. */
export function formatMemory(bytes: number): string {
  const gi = bytes / 2 ** 30;
  if (gi >= 1 && Number.isInteger(gi * 100)) return `${trim(gi)}Gi`;
  const mi = bytes / 2 ** 20;
  if (Number.isInteger(mi)) return `${mi}Mi`;
  return `${trim(Math.round(mi * 10) / 10)}Mi`;
}

/** `250` → `250m`, `1000` → `1`, `1500` → `1.5`. */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : millis >= 1000 ? trim(millis / 1000) : `${Math.round(millis)}m`;
}

/** Mebibytes, rounded down: for JVM/Go settings that take MiB. */
export function mebibytes(bytes: number): number {
  return Math.floor(bytes / 2 ** 20);
}

function trim(n: number): string {
  return String(Math.round(n * 100) / 100);
}
