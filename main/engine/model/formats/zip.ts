/**
 * Zip archives of model files (`.keras`), with fflate (pure JavaScript, no dependencies).
 *
 *   writeZip(entries)               -> the archive's bytes (entries stored, as Keras 3's zipfile writes them)
 *   readZip(bytes, limits)          -> name -> bytes of the entries asked for
 *
 * Reading is bounded before anything large is allocated: the central directory is checked
 * first (entry count, names, declared sizes), and fflate inflates each entry into a buffer of
 * its declared size that never grows, so a member that lies about its size comes out short and
 * is refused (its CRC-32 is checked too). Errors are AppError E_MODEL_FILE with `what`:
 *   zip_truncated   not a complete zip archive (cut short, or not a zip)
 *   zip_entry_name  an entry name with `..`, an absolute path, a backslash or a control character
 *   zip_too_large   too many entries, or entries that declare more bytes than the limits
 *   zip_corrupt     an entry that does not inflate to its declared size and checksum
 *   zip_missing     a required entry is absent (`entry`)
 */
import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Unzipped, type UnzipFileInfo } from 'fflate';
import { AppError } from '../../../../shared/errors';

export interface ZipLimits {
  /** Most entries the archive may list. */
  maxEntries: number;
  /** Most uncompressed bytes of the entries read, together. */
  maxTotalBytes: number;
  /** Most uncompressed bytes per entry, by name (entries not listed: maxTotalBytes). */
  maxEntryBytes?: Record<string, number>;
  /** The entries to read; others are only checked by name. */
  want: readonly string[];
  /** Entries that must be there. */
  require: readonly string[];
}

const fileError = (what: string, params: Record<string, string | number> = {}): AppError => new AppError('E_MODEL_FILE', { what, ...params });

/** An entry name that could lead outside a folder if anyone extracted it. */
export function unsafeEntryName(name: string): boolean {
  return name.length === 0 || name.includes('\\') || /[\u0000-\u001f]/.test(name) || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split('/').some((p) => p === '..');
}

/** The archive's entries (name, compressed and declared sizes), from its central directory, checked against the limits. */
function checkDirectory(bytes: Uint8Array, limits: ZipLimits): void {
  let count = 0;
  let total = 0;
  try {
    unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        count++;
        if (count > limits.maxEntries) throw fileError('zip_too_large', { entries: count, max: limits.maxEntries });
        if (unsafeEntryName(f.name)) throw fileError('zip_entry_name', { entry: f.name.slice(0, 200) });
        if (limits.want.includes(f.name)) {
          const max = limits.maxEntryBytes?.[f.name] ?? limits.maxTotalBytes;
          total += f.originalSize;
          if (f.originalSize > max || total > limits.maxTotalBytes) throw fileError('zip_too_large', { entry: f.name, bytes: f.originalSize, max: Math.min(max, limits.maxTotalBytes) });
        }
        return false; // only the directory here; nothing is inflated
      },
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fileError('zip_truncated');
  }
}

/** Reads the wanted entries of a zip archive within the limits (see the file comment). */
export function readZip(bytes: Uint8Array, limits: ZipLimits): Map<string, Uint8Array> {
  checkDirectory(bytes, limits);
  const sizes = new Map<string, { size: number; crc: number }>();
  let files: Unzipped;
  try {
    files = unzipSync(bytes, {
      filter: (f: UnzipFileInfo) => {
        if (!limits.want.includes(f.name)) return false;
        sizes.set(f.name, { size: f.originalSize, crc: -1 });
        return true;
      },
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fileError('zip_corrupt');
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    const want = sizes.get(name)!;
    // a member whose data is shorter or longer than declared (fflate never grows the buffer) is refused
    if (data.byteLength !== want.size || crc32(data) !== entryCrc(bytes, name)) throw fileError('zip_corrupt', { entry: name });
    out.set(name, data);
  }
  for (const name of limits.require) if (!out.has(name)) throw fileError('zip_missing', { entry: name });
  return out;
}

/** The CRC-32 the central directory records for `name` (fflate does not check it). */
function entryCrc(bytes: Uint8Array, name: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let e = bytes.byteLength - 22;
  while (e >= 0 && view.getUint32(e, true) !== 0x06054b50) e--;
  if (e < 0) throw fileError('zip_truncated');
  let o = view.getUint32(e + 16, true);
  const count = view.getUint16(e + 10, true);
  const decoder = new TextDecoder();
  for (let i = 0; i < count && o + 46 <= bytes.byteLength; i++) {
    if (view.getUint32(o, true) !== 0x02014b50) break;
    const n = view.getUint16(o + 28, true);
    const x = view.getUint16(o + 30, true);
    const c = view.getUint16(o + 32, true);
    if (decoder.decode(bytes.subarray(o + 46, o + 46 + n)) === name) return view.getUint32(o + 16, true);
    o += 46 + n + x + c;
  }
  throw fileError('zip_corrupt', { entry: name });
}

/** A zip archive of the entries, in order, stored uncompressed (Keras 3's zipfile default). */
export function writeZip(entries: [string, Uint8Array][]): Uint8Array {
  return zipSync(Object.fromEntries(entries.map(([name, data]) => [name, [data, { level: 0 }]])) as Parameters<typeof zipSync>[0]);
}
