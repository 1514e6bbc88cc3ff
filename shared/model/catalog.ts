/**
 * The block catalog: lookups over the block registry (blocks/index.ts), where each block is
 * one file owning its params, text, shape rule, Keras config and engine needs. The palette,
 * the inspector forms, shape inference (shapes.ts), Keras export (graph.ts) and code export
 * (codegen.ts) are all derived from it.
 */
import { BLOCKS } from './blocks';
import type { BlockDef, ParamDef, ParamValue, Params } from './blocks';

export type { Bilingual, BlockDef, BlockKind, ParamDef, ParamType, ParamValue, Params, TorchArray, TorchCode, TorchModule, TorchResult, TorchSource, OnnxAttr, OnnxGraph, OnnxNode, OnnxResult, OnnxSource, OnnxTensor } from './blocks';
export { ACTIVATIONS, BLOCKS, RECURRENT_ACTIVATIONS } from './blocks';

export const LESSONS = [
  'rnn-basics', 'lstm-gru', 'bidirectional', 'stacked-rnn', 'conv1d', 'cnn-rnn', 'video-cnn-rnn',
  'conv3d', 'convlstm', 'captioning', 'autoencoder', 'core',
] as const;
export type LessonId = (typeof LESSONS)[number];

const BY_ID = new Map(BLOCKS.map((b) => [b.id, b]));

/** The block with this id, or undefined. */
export function getBlock(id: string): BlockDef | undefined {
  return BY_ID.get(id);
}

/** Default values of every parameter of a block (a fresh object). */
export function defaultParams(blockId: string): Params {
  const b = getBlock(blockId);
  const out: Params = {};
  for (const p of b?.params ?? []) out[p.name] = Array.isArray(p.default) ? [...p.default] : p.default;
  return out;
}

/** A block's params merged over its defaults (missing keys filled in). */
export function resolveParams(blockId: string, params: Params | undefined): Params {
  return { ...defaultParams(blockId), ...(params ?? {}) };
}

/** A param's value as the Keras config and the Python code write it (`nullAs`: null pooling strides are the pool size). */
export function exportValue(p: Params, def: ParamDef): ParamValue | undefined {
  const v = p[def.name];
  return v === null && def.nullAs ? (p[def.nullAs] ?? null) : v;
}

/**
 * Checks one value against its definition; returns null when valid, else a reason code
 * (`type`, `range`, `option`, `rank`, `null`).
 */
export function checkParam(def: ParamDef, value: ParamValue | undefined): string | null {
  if (value === null || value === undefined) return def.nullable ? null : 'null';
  switch (def.type) {
    case 'int':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'type';
      if (def.type === 'int' && !Number.isInteger(value)) return 'type';
      if ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max)) return 'range';
      return null;
    case 'bool':
      return typeof value === 'boolean' ? null : 'type';
    case 'enum':
      if (typeof value !== 'string') return 'type';
      return def.options?.includes(value) ? null : 'option';
    case 'string':
      return typeof value === 'string' ? null : 'type';
    case 'shape': {
      if (!Array.isArray(value) || value.length === 0) return 'type';
      if (def.rank !== undefined && value.length !== def.rank) return 'rank';
      for (const v of value) {
        if (typeof v !== 'number' || !Number.isInteger(v)) return 'type';
        if ((def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max) || v === 0) return 'range';
      }
      return null;
    }
  }
}

const BY_CLASS = new Map(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));

/**
 * The names of the layers of a Keras/tfjs topology (wrapped layers included) that stock
 * tfjs-layers cannot load, though SeqLab builds them (each block's `keras.engineOnly`).
 */
export function engineOnlyLayers(topology: unknown): string[] {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const obj = node as { class_name?: unknown; config?: unknown };
    if (typeof obj.class_name === 'string' && obj.config && typeof obj.config === 'object') {
      const cfg = obj.config as Record<string, unknown>;
      if (BY_CLASS.get(obj.class_name)?.keras?.engineOnly?.(cfg)) out.push(String(cfg.name ?? obj.class_name));
    }
    Object.values(node).forEach(visit);
  };
  visit(topology);
  return out;
}
