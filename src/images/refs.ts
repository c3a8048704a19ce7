// Image references as the container runtime sees them, and the plan of which images a node still needs.

/**
 * The fully-qualified form containerd and crictl report (`postgres:17` → `docker.io/library/postgres:17`),
 * following the distribution/reference normalisation Docker applies.
 */
export function normalizeImageRef(ref: string): string {
  const [nameAndTag, digest] = ref.split('@') as [string, string | undefined];
  const slash = nameAndTag.indexOf('/');
  const first = slash === -1 ? '' : nameAndTag.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  let name = hasRegistry ? nameAndTag : `docker.io/${slash === -1 ? `library/${nameAndTag}` : nameAndTag}`;
  if (name.startsWith('index.docker.io/')) name = `docker.io/${name.slice('index.docker.io/'.length)}`;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const hasTag = lastSegment.includes(':');
  if (digest) return `${name}@${digest}`;
  return hasTag ? name : `${name}:latest`;
}

/** `crictl images -o json` → normalized reference → image ID, for one node. */
export function parseCrictlImages(stdout: string): Map<string, string> {
  const parsed = JSON.parse(stdout) as { images?: { id: string; repoTags?: string[] | null; repoDigests?: string[] | null }[] };
  const byRef = new Map<string, string>();
  for (const image of parsed.images ?? []) {
    for (const ref of [...(image.repoTags ?? []), ...(image.repoDigests ?? [])]) byRef.set(normalizeImageRef(ref), image.id);
  }
  return byRef;
}

export interface NodeImages {
  node: string;
  images: Map<string, string>;
}

export interface LoadPlan {
  /** Images at least one node lacks (or holds with another ID). */
  load: string[];
  /** Images every node already holds with the host's ID. */
  present: string[];
}

/** kind's rule: an image is loaded unless every node already holds that reference with the same image ID. */
export function planLoad(hostIds: ReadonlyMap<string, string>, nodes: readonly NodeImages[]): LoadPlan {
  const plan: LoadPlan = { load: [], present: [] };
  for (const [ref, id] of hostIds) {
    const normalized = normalizeImageRef(ref);
    const everywhere = nodes.length > 0 && nodes.every((n) => n.images.get(normalized) === id);
    (everywhere ? plan.present : plan.load).push(ref);
  }
  return plan;
}
