// The platform on amd64 and arm64: the choices made per architecture, what to tell the user, every image to check.
import { DEFAULT_NODE_IMAGE, DEFAULT_REGISTRY_IMAGE, type Config } from '../config/schema.js';
import { CATALOG } from './catalog.js';
import type { ServiceName } from './names.js';
import { resolveImage } from './overrides.js';
import { selectServices } from './select.js';
import { CUBESTORE_ARCHITECTURES, CUBESTORE_ARM64_IMAGE, semanticCache } from './services/cubestore.js';
import { POSTGRES_IMAGE, POSTGRES_INDEX_DIGEST } from './services/postgres.js';
import type { Architecture } from './types.js';

export { hostArchitecture, semanticCache } from './services/cubestore.js';

/** Where kind node images exist, hence every architecture the platform must come up on. */
export const ARCHITECTURES: readonly Architecture[] = ['amd64', 'arm64'];

/**
 * The configuration with its architecture-dependent choices made for `arch` (`semantic.cache: auto` becomes
 * `cubestore` or `memory`). `up` resolves it for the Docker engine's architecture, which is the kind node's.
 */
export function forArchitecture(config: Config, arch: string): Config {
  return { ...config, semantic: { ...config.semantic, cache: semanticCache(config, arch) } };
}

/**
 * What the platform does differently on `arch`, one sentence each, for `doctor` and the `up` summary. Empty when
 * nothing differs (amd64, or every choice made explicitly).
 */
export function architectureNotes(config: Config, arch: string): string[] {
  const notes: string[] = [];
  const semanticSelected = selectServices(forArchitecture(config, arch)).some((s) => s.name === 'cube');
  if (semanticSelected && config.semantic.cache === 'auto' && semanticCache(config, arch) === 'memory') {
    notes.push(
      `Cube's cache runs in Cube's memory on ${arch}, not in Cube Store: Cube publishes Cube Store's versioned image for ` +
        `${CUBESTORE_ARCHITECTURES.join(', ')} only (cube-js/cube#8570). For Cube Store set semantic.cache: cubestore ` +
        `and services.cubestore.image: ${CUBESTORE_ARM64_IMAGE} (Cube's separate ${arch} build).`,
    );
  }
  return notes;
}

/** A default image the configuration runs on `arch` that is not published for it. */
export interface UnsupportedImage {
  service: ServiceName;
  image: string;
  architectures: readonly Architecture[];
}

/**
 * The selected services whose default image (not overridden) lacks `arch`. Overridden images are the user's:
 * their architecture is known only once pulled (the images step checks it).
 */
export function unsupportedImages(config: Config, arch: string): UnsupportedImage[] {
  return selectServices(config)
    .filter((s) => config.services[s.name]?.image === undefined && !(s.architectures as readonly string[]).includes(arch))
    .map((s) => ({ service: s.name, image: s.image, architectures: s.architectures }));
}

/** The services of this configuration whose image is overridden (`services.<name>.image`). */
export function overriddenImages(config: Config): ServiceName[] {
  return selectServices(config)
    .filter((s) => config.services[s.name]?.image !== undefined)
    .map((s) => s.name);
}

/** What to do about `image` not running on `arch`: the key to change, and to what where one is known. */
export function architectureFix(config: Config, image: string, arch: string): string {
  const users = CATALOG.filter((s) => resolveImage(config, s.name) === image).map((s) => s.name);
  if (users.includes('cubestore') && !(CUBESTORE_ARCHITECTURES as readonly string[]).includes(arch)) {
    return (
      `set semantic.cache: memory (or auto) in floe-dev.yaml, or services.cubestore.image: ${CUBESTORE_ARM64_IMAGE}: ` +
      `Cube publishes Cube Store's ${arch} build under that separate tag (cube-js/cube#8570)`
    );
  }
  if (users.length > 0) {
    return `point ${users.map((u) => `services.${u}.image`).join(' and ')} at an image published for linux/${arch} in floe-dev.yaml`;
  }
  return `use a build of ${image} for linux/${arch} (images.extra in floe-dev.yaml)`;
}

/** One image the platform can run, and the architectures it must be published for. */
export interface ImageExpectation {
  image: string;
  /** The services that use it, or what it is for. */
  usedBy: string[];
  architectures: readonly Architecture[];
  /** The manifest digest upstream publishes for this tag, where it does (a moved tag is worth a look). */
  publishedDigest?: string;
}

/**
 * Every image the platform can use on either architecture: each service's default image, the alternatives the
 * notes and fixes name (Cube Store's arm64 build), and the kind node image. `npm run check-images` checks each against its registry.
 */
export function imageExpectations(): ImageExpectation[] {
  const byImage = new Map<string, ImageExpectation>();
  const add = (e: ImageExpectation) => {
    const seen = byImage.get(e.image);
    if (seen) seen.usedBy.push(...e.usedBy);
    else byImage.set(e.image, { ...e, usedBy: [...e.usedBy] });
  };
  for (const s of CATALOG) add({ image: s.image, usedBy: [s.name], architectures: s.architectures });
  add({ image: CUBESTORE_ARM64_IMAGE, usedBy: ['cubestore (arm64 alternative)'], architectures: ['arm64'] });
  // kind's node image, pinned by the digest its release notes list.
  add({ image: DEFAULT_NODE_IMAGE, usedBy: ['kind node'], architectures: ARCHITECTURES });
  // The local registry (registry.enabled), run on the engine next to the node.
  add({ image: DEFAULT_REGISTRY_IMAGE, usedBy: ['local registry'], architectures: ARCHITECTURES });
  const postgres = byImage.get(POSTGRES_IMAGE);
  if (postgres) postgres.publishedDigest = POSTGRES_INDEX_DIGEST;
  return [...byImage.values()];
}
