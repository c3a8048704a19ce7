// A minimal ustar writer: enough to hand a few small files (and their folders) to the engine's
// `PUT /containers/{id}/archive`, which is how `docker cp` writes into a container.

export interface TarEntry {
  /** Relative path inside the archive (no leading slash); folders end with or without "/". */
  path: string;
  content?: string | Buffer;
  dir?: boolean;
  mode?: number;
}

/** POSIX ustar (IEEE 1003.1-1988 header layout); paths up to 99 bytes, which is all floe-dev writes. */
export function tarball(entries: readonly TarEntry[], mtimeSeconds = 0): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.dir ? Buffer.alloc(0) : Buffer.from(entry.content ?? '');
    const name = entry.dir && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
    if (Buffer.byteLength(name) > 99) throw new Error(`tar path too long: ${name}`);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    header.write(`${(entry.mode ?? (entry.dir ? 0o755 : 0o644)).toString(8).padStart(7, '0')}\0`, 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(`${mtimeSeconds.toString(8).padStart(11, '0')}\0`, 136);
    header.write('        ', 148);
    header.write(entry.dir ? '5' : '0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The archive that creates `path` (absolute) with `content`, and every folder above it. */
export function fileTarball(path: string, content: string): Buffer {
  const parts = path.replace(/^\/+/, '').split('/');
  const dirs = parts.slice(0, -1).map((_, i) => ({ path: parts.slice(0, i + 1).join('/'), dir: true }));
  return tarball([...dirs, { path: parts.join('/'), content }]);
}
