// Renders the app icon (assets/icon.svg) into the files the installers use, in assets/build
// (electron-builder.yml `directories.buildResources`):
//   assets/build/icon.png              512x512  the master PNG (macOS source, fallback)
//   assets/build/icons/<N>x<N>.png     16 … 512 the Linux icon set (AppImage, .deb: hicolor/<N>x<N>/apps)
//   assets/build/icon.ico              16, 24, 32, 48, 64, 256  Windows exe, NSIS installer and uninstaller
// The outputs are committed; run `node scripts/build-icons.mjs` after editing the SVG.
// tests/unit/app-icon.test.ts checks the sizes and that electron-builder.yml points at them.
//
// Rendering: @resvg/resvg-wasm (already a dependency; the engine draws export charts with it).
// Each size is rendered from the SVG itself, not scaled down from the 512.
// ICO: written here (header, directory, images). The 256 entry is a PNG (Vista+ "PNG icon");
// the smaller ones are classic 32-bit BMP entries (BITMAPINFOHEADER, bottom-up BGRA, AND mask),
// the layout Windows' own tools write and that every ICO reader (NSIS, rcedit, Explorer) takes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

const require = createRequire(import.meta.url);
const { PNG } = require('pngjs');

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(ROOT, 'assets/icon.svg');
const OUT = path.join(ROOT, 'assets/build');

export const SET_SIZES = [16, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 256];

/** PNG bytes of the SVG rendered at size x size. */
function render(svg, size) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
  return Buffer.from(png);
}

/** A classic ICO image: BITMAPINFOHEADER, bottom-up BGRA rows, then the 1-bit AND mask. */
function bmpEntry(pngBytes) {
  const { width, height, data } = PNG.sync.read(pngBytes); // straight (not premultiplied) RGBA
  const maskStride = Math.ceil(width / 32) * 4;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0); // biSize
  header.writeInt32LE(width, 4);
  header.writeInt32LE(height * 2, 8); // XOR image + AND mask
  header.writeUInt16LE(1, 12); // planes
  header.writeUInt16LE(32, 14); // bits per pixel
  header.writeUInt32LE(0, 16); // BI_RGB
  header.writeUInt32LE(width * height * 4 + maskStride * height, 20);
  const pixels = Buffer.alloc(width * height * 4);
  const mask = Buffer.alloc(maskStride * height);
  for (let y = 0; y < height; y++) {
    const row = height - 1 - y; // bottom-up
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 4;
      const d = (row * width + x) * 4;
      pixels[d] = data[s + 2];
      pixels[d + 1] = data[s + 1];
      pixels[d + 2] = data[s];
      pixels[d + 3] = data[s + 3];
      if (data[s + 3] === 0) mask[row * maskStride + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([header, pixels, mask]);
}

/** An ICO file from [size, image bytes] pairs (image bytes: a PNG or a BMP entry). */
export function icoFile(images) {
  const head = Buffer.alloc(6 + images.length * 16);
  head.writeUInt16LE(0, 0); // reserved
  head.writeUInt16LE(1, 2); // type 1 = icon
  head.writeUInt16LE(images.length, 4);
  let offset = head.length;
  images.forEach(([size, bytes], i) => {
    const e = 6 + i * 16;
    head.writeUInt8(size >= 256 ? 0 : size, e); // 0 means 256
    head.writeUInt8(size >= 256 ? 0 : size, e + 1);
    head.writeUInt8(0, e + 2); // no palette
    head.writeUInt8(0, e + 3); // reserved
    head.writeUInt16LE(1, e + 4); // planes
    head.writeUInt16LE(32, e + 6); // bits per pixel
    head.writeUInt32LE(bytes.length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += bytes.length;
  });
  return Buffer.concat([head, ...images.map(([, bytes]) => bytes)]);
}

async function main() {
  await initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  const svg = readFileSync(SOURCE, 'utf8');
  mkdirSync(path.join(OUT, 'icons'), { recursive: true });
  const pngs = new Map([...new Set([...SET_SIZES, ...ICO_SIZES])].map((size) => [size, render(svg, size)]));
  const write = (rel, bytes) => {
    writeFileSync(path.join(OUT, rel), bytes);
    console.log(`assets/build/${rel}  ${bytes.length} bytes`);
  };
  write('icon.png', pngs.get(512));
  for (const size of SET_SIZES) write(`icons/${size}x${size}.png`, pngs.get(size));
  write('icon.ico', icoFile(ICO_SIZES.map((size) => [size, size >= 256 ? pngs.get(size) : bmpEntry(pngs.get(size))])));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
