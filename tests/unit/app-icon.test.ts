// The app icon: assets/icon.svg is rendered by scripts/build-icons.mjs into assets/build (the
// installers' build resources). Checked here: every file exists with the pixel size its name
// promises (PNG IHDR, ICO directory and each ICO image), the ICO's small BMP images are the same
// pixels as the PNG set, and electron-builder.yml, read by electron-builder's own config loader,
// points every installer at these files in a form electron-builder uses without converting
// (its icon converter is a download, which an offline build must not need).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'assets/build');
const SET_SIZES = [16, 32, 48, 64, 128, 256, 512];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width, height, bit depth and colour type from a PNG's IHDR chunk. */
function pngHeader(buf: Buffer): { width: number; height: number; bitDepth: number; colorType: number } {
  expect(buf.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature').toBe(true);
  expect(buf.toString('latin1', 12, 16), 'first chunk is IHDR').toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), bitDepth: buf[24]!, colorType: buf[25]! };
}

interface IcoImage {
  width: number;
  height: number;
  bitCount: number;
  data: Buffer;
}

/** The images of an ICO file, from its directory (sizes as the directory states them). */
function icoImages(buf: Buffer): IcoImage[] {
  expect(buf.readUInt16LE(0), 'reserved').toBe(0);
  expect(buf.readUInt16LE(2), 'type 1 = icon').toBe(1);
  const count = buf.readUInt16LE(4);
  const images: IcoImage[] = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + i * 16;
    const size = buf.readUInt32LE(e + 8);
    const offset = buf.readUInt32LE(e + 12);
    expect(offset + size, `entry ${i} inside the file`).toBeLessThanOrEqual(buf.length);
    expect(offset, `entry ${i} after the directory`).toBeGreaterThanOrEqual(6 + count * 16);
    images.push({ width: buf[e] || 256, height: buf[e + 1] || 256, bitCount: buf.readUInt16LE(e + 6), data: buf.subarray(offset, offset + size) });
  }
  return images;
}

/** Straight RGBA of a 32-bit BMP ICO image (BITMAPINFOHEADER, bottom-up rows, AND mask after). */
function bmpPixels(img: IcoImage): Buffer {
  const d = img.data;
  const width = d.readInt32LE(4);
  const rgba = Buffer.alloc(width * width * 4);
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) {
      const s = 40 + ((width - 1 - y) * width + x) * 4;
      const t = (y * width + x) * 4;
      rgba[t] = d[s + 2]!;
      rgba[t + 1] = d[s + 1]!;
      rgba[t + 2] = d[s]!;
      rgba[t + 3] = d[s + 3]!;
    }
  }
  return rgba;
}

describe('app icon files (assets/build, rendered from assets/icon.svg)', () => {
  it('has the SVG source and the 512 master PNG, opaque inside and transparent in the corners', () => {
    expect(readFileSync(path.join(ROOT, 'assets/icon.svg'), 'utf8')).toMatch(/^<svg[^>]*viewBox="0 0 512 512"/);
    const buf = readFileSync(path.join(BUILD, 'icon.png'));
    expect(pngHeader(buf)).toEqual({ width: 512, height: 512, bitDepth: 8, colorType: 6 });
    const { data } = PNG.sync.read(buf);
    const alpha = (x: number, y: number): number => data[(y * 512 + x) * 4 + 3]!;
    expect(alpha(256, 256)).toBe(255);
    expect(alpha(2, 2)).toBe(0);
    expect(alpha(509, 509)).toBe(0);
  });

  it('has the Linux icon set, each NxN.png really N x N (256 included)', () => {
    for (const n of SET_SIZES) {
      const file = path.join(BUILD, 'icons', `${n}x${n}.png`);
      expect(existsSync(file), file).toBe(true);
      expect(pngHeader(readFileSync(file)), `${n}x${n}.png`).toMatchObject({ width: n, height: n });
    }
    expect(readFileSync(path.join(BUILD, 'icons/512x512.png')).equals(readFileSync(path.join(BUILD, 'icon.png')))).toBe(true);
  });

  it('has a multi-size icon.ico (256, 48, 32, 16 and more) whose images are the sizes its directory says', () => {
    const images = icoImages(readFileSync(path.join(BUILD, 'icon.ico')));
    const sizes = images.map((i) => i.width);
    for (const n of [256, 48, 32, 16]) expect(sizes, `ICO holds ${n}`).toContain(n);
    expect(new Set(sizes).size).toBe(sizes.length);
    for (const img of images) {
      expect(img.height).toBe(img.width);
      expect(img.bitCount).toBe(32);
      if (img.data.subarray(0, 8).equals(PNG_SIGNATURE)) {
        expect(pngHeader(img.data), `PNG entry ${img.width}`).toMatchObject({ width: img.width, height: img.height });
      } else {
        // BITMAPINFOHEADER: the height counts the colour image and the AND mask.
        const d = img.data;
        expect(d.readUInt32LE(0)).toBe(40);
        expect([d.readInt32LE(4), d.readInt32LE(8), d.readUInt16LE(14)], `BMP entry ${img.width}`).toEqual([img.width, img.width * 2, 32]);
        const maskStride = Math.ceil(img.width / 32) * 4;
        expect(d.length).toBe(40 + img.width * img.width * 4 + maskStride * img.width);
      }
    }
    // The 256 entry is a PNG (what Windows and electron-builder expect at that size).
    expect(images.find((i) => i.width === 256)!.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // The small BMP images are pixel for pixel the PNG set's (rows not flipped, channels not swapped).
    for (const img of images.filter((i) => !i.data.subarray(0, 8).equals(PNG_SIGNATURE) && SET_SIZES.includes(i.width))) {
      const png = PNG.sync.read(readFileSync(path.join(BUILD, 'icons', `${img.width}x${img.width}.png`)));
      expect(bmpPixels(img).equals(png.data), `ICO ${img.width} = ${img.width}x${img.width}.png`).toBe(true);
    }
  });
});

describe('electron-builder.yml uses the icon', () => {
  type Config = import('electron-builder').Configuration;
  const { getConfig } = require('app-builder-lib/out/util/config/config') as { getConfig(dir: string, file: string | null, extra: null): Promise<Config> };
  const { convertIcon } = require('app-builder-lib/out/util/iconConverter') as typeof import('app-builder-lib/out/util/iconConverter');

  it('points Windows, the NSIS installer and uninstaller, Linux and macOS at assets/build', async () => {
    const config = await getConfig(ROOT, null, null);
    expect(config.directories?.buildResources).toBe('assets/build');
    expect(config.win?.icon).toBe('assets/build/icon.ico');
    expect(config.nsis?.installerIcon).toBe('assets/build/icon.ico');
    expect(config.nsis?.uninstallerIcon).toBe('assets/build/icon.ico');
    expect(config.linux?.icon).toBe('assets/build/icons');
    expect(config.mac?.icon).toBe('assets/build/icon.png');
    for (const p of [config.win?.icon, config.linux?.icon, config.mac?.icon]) expect(existsSync(path.join(ROOT, p!)), p!).toBe(true);
    expect(statSync(path.join(ROOT, config.linux!.icon!)).isDirectory()).toBe(true);
    // Build resources stay out of the app archive; the rest of assets/ ships.
    const files = (config.files as Array<{ filter: string[] }>).flatMap((f) => f.filter);
    expect(files).toEqual(expect.arrayContaining(['assets/**', '!assets/build/**']));
  });

  it('electron-builder takes the ICO and the Linux set as they are, converting nothing', async () => {
    const config = await getConfig(ROOT, null, null);
    const roots = [path.join(ROOT, config.directories!.buildResources!), ROOT]; // as PlatformPackager.resolveIcon
    const work = mkdtempSync(path.join(tmpdir(), 'seqlab-icon-'));
    // Any conversion would run electron-builder's icon tool; pointed at an empty folder, it fails instead of downloading.
    const saved = process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR;
    process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR = work;
    try {
      const ico = await convertIcon({ sources: [config.win!.icon!], fallbackSources: [], roots, format: 'ico', outDir: path.join(work, 'ico') });
      expect(ico).toEqual({ icons: [{ file: path.join(BUILD, 'icon.ico'), size: 256 }], isFallback: false });
      const set = await convertIcon({ sources: [config.linux!.icon!], fallbackSources: [], roots, format: 'set', outDir: path.join(work, 'set') });
      expect(set.isFallback).toBe(false);
      expect(set.icons).toEqual(SET_SIZES.map((n) => ({ file: path.join(BUILD, 'icons', `${n}x${n}.png`), size: n })));
    } finally {
      if (saved === undefined) delete process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR;
      else process.env.ELECTRON_BUILDER_ICONS_TOOLSET_DIR = saved;
      rmSync(work, { recursive: true, force: true });
    }
  });
});
