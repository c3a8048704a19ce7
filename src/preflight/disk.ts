// Free disk space at a path (the nearest existing folder), and which filesystem it is on.
import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DiskSpace {
  /** The folder actually measured (the path, or its nearest existing, visible parent). */
  measured: string;
  /** Bytes an unprivileged user can still write. */
  freeBytes: number;
  /** Filesystem identity: paths with the same device share their free space. */
  device: number;
}

/** Asynchronous, so a hung network filesystem cannot block the other checks (the check's timeout applies). */
export async function diskSpace(path: string): Promise<DiskSpace> {
  let measured = path;
  for (;;) {
    try {
      const [{ dev }, fs] = await Promise.all([stat(measured), statfs(measured)]);
      return { measured, freeBytes: fs.bavail * fs.bsize, device: dev };
    } catch (error) {
      const parent = dirname(measured);
      const code = (error as NodeJS.ErrnoException).code;
      // Not created yet (the state folder before the first `up`), or not ours to look into: measure the parent.
      if ((code !== 'ENOENT' && code !== 'EACCES') || parent === measured) throw error;
      measured = parent;
    }
  }
}
