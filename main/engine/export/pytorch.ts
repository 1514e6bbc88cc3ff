/**
 * PyTorch export of a trained tfjs model: `pytorch/model.py` (a torch nn.Module with Keras's
 * semantics and Keras's channels-last input layout, plus `load(folder)`) and the weights as
 * `pytorch/weights.bin` (raw little-endian float32) indexed by `pytorch/weights.json`
 * ({ tensors: [{ name, shape, offset }] }, offsets in bytes), read with numpy.fromfile: no pickle.
 *
 * The model is walked layer by layer (any run: builder, experiments, imported files); each
 * layer's block says how it becomes a torch module (`BlockDef.torch`, shared/model/blocks), so
 * nothing here knows a layer class. A layer whose block has no torch form, or a config that form
 * refuses, fails the whole export with E_MODEL_INVALID naming the layer: never a wrong model.
 */
import { AppError } from '../../../shared/errors';
import { BLOCKS, type BlockDef, type Shape, type TorchArray, type TorchCode, type TorchResult } from '../../../shared/model';
import type { tf } from '../platform/backend';

export const PYTORCH_FILES = ['pytorch/model.py', 'pytorch/weights.json', 'pytorch/weights.bin'] as const;

const LAYER_BLOCKS = new Map<string, BlockDef>(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));

// Names a layer attribute or local variable must not take: Python keywords, the header's imports,
// and nn.Module's own attributes (torch 1.13 to 2.x).
const RESERVED = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield ' +
    'json os np torch nn F self load activation tf_pad ' +
    'T_destination add_module apply bfloat16 buffers children compile cpu cuda double dump_patches eval extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu ' +
    'load_state_dict modules mtia named_buffers named_children named_modules named_parameters parameters requires_grad_ set_extra_state set_submodule share_memory state_dict to to_empty train training type xpu zero_grad').split(' '),
);

function identifiers(names: string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const name of names) {
    let id = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(id) || RESERVED.has(id) || /^(register|named)_/.test(id)) id = `l_${id}`;
    let v = id;
    for (let k = 1; used.has(v); k++) v = `${id}_${k}`;
    used.add(v);
    out.set(name, v);
  }
  return out;
}

const shortName = (v: tf.LayerVariable): string => v.originalName.split('/').pop()!;

function unsupported(layer: string, what: string): AppError {
  return new AppError('E_MODEL_INVALID', { detail: `PyTorch export does not support ${what} yet (layer "${layer}")` });
}

/** The torch module of one layer of class `className`, or the refusal. */
function convert(className: string, config: Record<string, unknown>, weights: TorchArray[], inputShapes: Shape[]): TorchResult {
  const block = LAYER_BLOCKS.get(className);
  if (!block?.torch) return { refuse: className };
  return block.torch({
    config,
    weights,
    inputShapes,
    // TimeDistributed's layer sees one timestep; Bidirectional's the whole input
    wrapped: (inner, w, shapes = inputShapes) => convert(String((config.layer as { class_name?: unknown } | undefined)?.class_name), inner, w, shapes),
  });
}

/** Python for a placeholder input of this shape (None axes: 100 steps) and dtype. */
function exampleInput(shape: (number | null)[], dtype: string): string {
  const dims = [2, ...shape.slice(1).map((d) => d ?? 100)].join(', ');
  return dtype === 'int32' ? `torch.zeros(${dims}, dtype=torch.long)` : `torch.rand(${dims})`;
}

const fmtShape = (s: (number | null)[]): string => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;

export interface PytorchExport {
  modelPy: string;
  weightsJson: string;
  weightsBin: Uint8Array;
}

/** model.py, weights.json and weights.bin of the model; throws E_MODEL_INVALID for a layer torch cannot take. */
export function pytorchExport(model: tf.LayersModel, about: { runId: string }): PytorchExport {
  const topology = model.toJSON(null, false) as unknown as { config: { layers: { name?: string; class_name: string; config: Record<string, unknown> }[] } };
  const configs = new Map(topology.config.layers.map((l) => [String(l.name ?? l.config.name), l.config]));
  // model.inputs, not inputLayers: a Sequential leaves that empty until it has run
  const inputs = new Set(model.inputs.map((t) => t.sourceLayer.name));
  const ids = identifiers(model.layers.map((l) => l.name));
  const code = new Map<string, TorchCode>();
  const init: string[] = [];
  const body: string[] = [];
  const tensors: TorchArray[] = [];
  for (const layer of model.layers) {
    if (inputs.has(layer.name)) continue;
    const id = ids.get(layer.name)!;
    const node = layer.inboundNodes;
    // a layer called on several inputs (shared weights) or fed by a multi-output layer: the builder makes neither
    if (node.length !== 1 || node[0]!.tensorIndices.some((i) => i !== 0) || node[0]!.nodeIndices.some((i) => i !== 0)) throw unsupported(layer.name, 'shared layers');
    const weights = layer.weights.map((v) => ({ name: shortName(v), shape: v.shape.map(Number), data: v.read().dataSync() as Float32Array }));
    const shapes = node[0]!.inputShapes;
    const inputShapes = (Array.isArray(shapes[0]) ? shapes : [shapes]) as Shape[];
    const r = convert(layer.getClassName(), configs.get(layer.name) ?? {}, weights, inputShapes);
    if ('refuse' in r) throw unsupported(layer.name, r.refuse);
    for (const c of r.code) if (!code.has(c.name)) code.set(c.name, c);
    init.push(`        self.${id} = ${r.module}`);
    tensors.push(...r.weights.map((w) => ({ ...w, name: `${id}.${w.name}` })));
    body.push(`        ${id} = self.${id}(${node[0]!.inboundLayers.map((l) => ids.get(l.name)!).join(', ')})`);
  }
  const args = model.inputs.map((t) => ids.get(t.sourceLayer.name)!);
  const outs = model.outputs.map((t) => ids.get(t.sourceLayer.name)!);
  const ins = model.inputs.map((t, i) => `${args[i]} ${fmtShape(t.shape)} ${t.dtype}`).join(', ');
  const outShapes = model.outputs.map((t) => fmtShape(t.shape)).join(', ');

  // weights.bin: every tensor in order, little-endian whatever the machine
  const total = tensors.reduce((a, t) => a + t.data.length, 0);
  const bin = new Uint8Array(total * 4);
  const view = new DataView(bin.buffer);
  let offset = 0;
  const index = tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset };
    for (let i = 0; i < t.data.length; i++) view.setFloat32(offset + 4 * i, t.data[i]!, true);
    offset += 4 * t.data.length;
    return entry;
  });
  // one tensor a line: readable, and diffable between runs
  const head = JSON.stringify({ format: 'seqlab-pytorch-weights', version: 1, dtype: 'float32', byteorder: 'little' }).slice(0, -1);
  const weightsJson = `${head},\n "tensors": [\n${index.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n ]\n}\n`;

  const py = [
    `# Generated by SeqLab (run ${about.runId}): the trained model ${JSON.stringify(model.name)} as a torch nn.Module.`,
    '# Keras semantics (tfjs-layers 4.22) and Keras\'s input layout, channels last, e.g. (batch, time, features);',
    '# the modules permute internally where torch wants channels first. Needs only torch and numpy:',
    '# the weights are weights.bin (little-endian float32) indexed by weights.json.',
    'import json',
    'import os',
    '',
    'import numpy as np',
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    ...[...code.values()].flatMap((c) => ['', c.source, '']),
    '',
    'class SeqLabModel(nn.Module):',
    `    """Inputs: ${ins}. Output: ${outShapes}. None: any size."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...(init.length ? init : ['        pass']),
    '',
    `    def forward(self, ${args.join(', ')}):`,
    ...body,
    `        return ${outs.join(', ')}`,
    '',
    '',
    'def load(folder=None):',
    '    """The model with its trained weights from `folder` (default: beside this file), in eval mode."""',
    '    folder = folder or os.path.dirname(os.path.abspath(__file__))',
    '    with open(os.path.join(folder, "weights.json"), encoding="utf-8") as f:',
    '        index = json.load(f)',
    '    raw = np.fromfile(os.path.join(folder, "weights.bin"), dtype="<f4")',
    '    state = {}',
    '    for t in index["tensors"]:',
    '        start = t["offset"] // 4',
    '        state[t["name"]] = torch.from_numpy(raw[start:start + int(np.prod(t["shape"]))].reshape(t["shape"]).copy())',
    '    model = SeqLabModel()',
    '    model.load_state_dict(state)  # strict: every parameter and buffer, with its shape',
    '    return model.eval()',
    '',
    '',
    'if __name__ == "__main__":',
    '    model = load()',
    ...model.inputs.map((t, i) => `    ${args[i]} = ${exampleInput(t.shape, t.dtype)}  # ${fmtShape(t.shape)}, batch first as in Keras`),
    '    with torch.no_grad():',
    `        y = model(${args.join(', ')})`,
    `    print(${outs.length > 1 ? '[t.shape for t in y]' : 'y.shape'})`,
    '',
  ];
  return { modelPy: py.join('\n'), weightsJson, weightsBin: bin };
}
