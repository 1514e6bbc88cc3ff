import { ONE, L } from './params';
import { fail, formatShape, num, ok } from './shape-kit';
import { cannot, constant, int, onnxWeight, out } from './onnx-kit';
import { kerasWeight, refuse } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const EMBEDDING_CODE: TorchCode = {
  name: 'KerasEmbedding',
  source: `class KerasEmbedding(nn.Embedding):
    """Keras's Embedding: token ids (any integer or float dtype, as tfjs casts them) -> vectors."""

    def forward(self, x):
        return super().forward(x.long())`,
};

export const embedding: BlockDef = {
  id: 'embedding', className: 'Embedding', kind: 'core', wrapper: false, lesson: 'captioning', arity: ONE,
  name: L('بازنمایی واژه (Embedding)', 'Embedding'),
  help: L('هر شمارهٔ واژه را با یک بردار آموختنی جایگزین می‌کند: (None, L) ← (None, L, بُعد بازنمایی).', 'Replaces each word id by a learned vector: (None, L) -> (None, L, output_dim).'),
  params: [
    { name: 'input_dim', type: 'int', default: 1000, min: 1, max: 1_000_000, label: L('اندازهٔ واژگان', 'Vocabulary size') },
    { name: 'output_dim', type: 'int', default: 64, min: 1, max: 4096, label: L('بُعد بازنمایی', 'Embedding size') },
  ],
  output: (p, s) => {
    if (s.length !== 2) return fail('needs_tokens', { shape: formatShape(s), rank: s.length });
    return ok([null, s[1] ?? null, num(p, 'output_dim')], 1, num(p, 'input_dim') * num(p, 'output_dim'));
  },
  readsTokens: true,
  // Keras 3 dropped input_length (its Embedding refuses the argument); tfjs writes it
  keras: { toKeras3: ({ input_length: _length, ...cfg }) => cfg },
  initializers: { embeddings_initializer: 'RandomUniform' },
  torch: (layer) => {
    const table = kerasWeight(layer, 'embeddings');
    // mask_zero would mask the layers after it, which the torch modules do not model
    if (!table || layer.config.mask_zero === true) return refuse('Embedding with mask_zero=True');
    return { module: `KerasEmbedding(${table.shape[0]}, ${table.shape[1]})`, code: [EMBEDDING_CODE], weights: [{ ...table, name: 'weight' }] };
  },
  // the ids cast to int64 (tfjs casts any input dtype), then rows of the table
  onnx: (layer) => {
    const table = onnxWeight(layer, 'embeddings');
    if (!table || layer.config.mask_zero === true) return cannot('Embedding with mask_zero=True');
    const ids = layer.g.op('Cast', [layer.inputs[0]!], { to: int(7) }, 'ids');
    return out(layer.g.op('Gather', [constant(layer.g, table), ids], { axis: int(0) }));
  },
};
