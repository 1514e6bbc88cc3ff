/**
 * File helpers: atomic writes so a crash never leaves half a file.
 *
 * writeFileAtomic: write a temp file beside the target, fsync it (its bytes are on disk),
 * rename it over the target (atomic on one file system: readers see the old or the new
 * file, never a mix), then fsync the folder so the rename itself survives a power cut
 * (where the platform allows opening a folder: not on Windows, where rename is already
 * durable enough for us). A process killed at any moment leaves the previous version
 * intact, plus at most a stray `*.tmp` file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

let counter = 0;

/** fsyncs a folder (so a rename in it is durable); silently skipped where folders cannot be opened. */
export async function fsyncDir(dir: string): Promise<boolean> {
  if (process.platform === 'win32') return false;
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
    return true;
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${++counter}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

export async function readJson(file: string): Promise<unknown | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}
