/**
 * The block catalog: ONE table, every block is data. The palette, the inspector forms,
 * shape inference (shapes.ts), Keras export (graph.ts) and code export (codegen.ts) are
 * all derived from it. A new block is one entry here plus its shape rule in shapes.ts.
 */

export interface Bilingual {
  fa: string;
  en: string;
}

export type BlockKind = 'input' | 'recurrent' | 'conv' | 'pool' | 'core' | 'merge' | 'wrapper';
export type ParamType = 'int' | 'float' | 'bool' | 'enum' | 'shape' | 'string';
/** A parameter value. `shape` params hold arrays of ints (null allowed where `nullable`). */
export type ParamValue = number | boolean | string | null | (number | null)[];
export type Params = Record<string, ParamValue>;

export interface ParamDef {
  /** The Keras config key (input blocks: the pieces of `batch_input_shape`). */
  name: string;
  type: ParamType;
  default: ParamValue;
  min?: number;
  max?: number;
  /** For `enum`. */
  options?: readonly string[];
  /** The value may be null (e.g. variable timesteps, pooling strides = pool size). */
  nullable?: boolean;
  /** For `shape`: the number of entries (absent: any length >= 1). */
  rank?: number;
  label: Bilingual;
}

export interface BlockDef {
  /** Catalog id; also the Keras default layer-name stem (`conv1d`, `conv1d_1`, ...). */
  id: string;
  /** Keras `class_name` (input blocks: `InputLayer`). */
  className: string;
  kind: BlockKind;
  name: Bilingual;
  /** One line: what the block does to the shape. */
  help: Bilingual;
  /** Lesson id (see LESSONS). */
  lesson: string;
  wrapper: boolean;
  /** For wrappers: which block ids may be wrapped. */
  wraps?: readonly string[];
  /** How many incoming edges: inputs 0, merges 2+, others exactly 1. */
  arity: { min: number; max: number };
  /** Input blocks: tensor dtype. */
  dtype?: 'float32' | 'int32';
  params: readonly ParamDef[];
}

export const LESSONS = [
  'rnn-basics', 'lstm-gru', 'bidirectional', 'stacked-rnn', 'conv1d', 'cnn-rnn', 'video-cnn-rnn',
  'conv3d', 'convlstm', 'captioning', 'autoencoder', 'core',
] as const;
export type LessonId = (typeof LESSONS)[number];

export const ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'hard_sigmoid', 'softmax', 'elu', 'selu', 'softplus', 'softsign'] as const;
export const RECURRENT_ACTIVATIONS = ['hard_sigmoid', 'sigmoid', 'tanh', 'relu', 'linear'] as const;

// ---------------------------------------------------------------- shared param definitions

const L = (fa: string, en: string): Bilingual => ({ fa, en });

const units = (def: number): ParamDef => ({ name: 'units', type: 'int', default: def, min: 1, max: 4096, label: L('تعداد واحدها', 'Units') });
const activation = (def: string): ParamDef => ({ name: 'activation', type: 'enum', default: def, options: ACTIVATIONS, label: L('تابع فعال‌سازی', 'Activation') });
const recurrentActivation: ParamDef = {
  name: 'recurrent_activation', type: 'enum', default: 'hard_sigmoid', options: RECURRENT_ACTIVATIONS,
  label: L('فعال‌سازی دروازه‌ها', 'Recurrent (gate) activation'),
};
const dropout: ParamDef = { name: 'dropout', type: 'float', default: 0, min: 0, max: 0.99, label: L('دراپ‌اوت ورودی', 'Input dropout') };
const recurrentDropout: ParamDef = { name: 'recurrent_dropout', type: 'float', default: 0, min: 0, max: 0.99, label: L('دراپ‌اوت حالت بازگشتی', 'Recurrent dropout') };
const returnSequences: ParamDef = { name: 'return_sequences', type: 'bool', default: false, label: L('برگرداندن کل دنباله', 'Return the whole sequence') };
const goBackwards: ParamDef = { name: 'go_backwards', type: 'bool', default: false, label: L('پیمایش از آخر به اول', 'Process backwards') };
const filters = (def: number): ParamDef => ({ name: 'filters', type: 'int', default: def, min: 1, max: 4096, label: L('تعداد فیلترها', 'Filters') });
const padding = (withCausal: boolean): ParamDef => ({
  name: 'padding', type: 'enum', default: 'valid', options: withCausal ? ['valid', 'same', 'causal'] : ['valid', 'same'],
  label: L('لایه‌گذاری (پدینگ)', 'Padding'),
});
const shapeParam = (name: string, rank: number, def: number | null, label: Bilingual, nullable = false): ParamDef => ({
  name, type: 'shape', rank, default: def === null ? null : Array.from({ length: rank }, () => def), min: 1, max: 1024, nullable, label,
});
const kernelLabel = L('اندازهٔ هسته', 'Kernel size');
const stridesLabel = L('گام', 'Strides');
const poolLabel = L('اندازهٔ پنجرهٔ ادغام', 'Pool size');
const poolStridesLabel = L('گام (خالی = برابر پنجره)', 'Strides (empty = pool size)');
const dim = (name: string, def: number | null, label: Bilingual, nullable = false): ParamDef => ({
  name, type: 'int', default: def, min: 1, max: 100_000, nullable, label,
});

const one = { min: 1, max: 1 };

// ---------------------------------------------------------------- the table

export const BLOCKS: readonly BlockDef[] = [
  // ------------------------------------------------ inputs
  {
    id: 'input_sequence', className: 'InputLayer', kind: 'input', wrapper: false, lesson: 'rnn-basics', arity: { min: 0, max: 0 }, dtype: 'float32',
    name: L('ورودی دنباله', 'Sequence input'),
    help: L('دنباله‌ای از بردارها می‌دهد: (None, گام‌های زمانی, ویژگی‌ها)؛ گام‌ها می‌توانند نامعین باشند.', 'Feeds a sequence of vectors: (None, timesteps, features); timesteps may be variable.'),
    params: [dim('timesteps', 240, L('گام‌های زمانی (خالی = متغیر)', 'Timesteps (empty = variable)'), true), dim('features', 14, L('تعداد ویژگی‌ها', 'Features'))],
  },
  {
    id: 'input_vector', className: 'InputLayer', kind: 'input', wrapper: false, lesson: 'autoencoder', arity: { min: 0, max: 0 }, dtype: 'float32',
    name: L('ورودی بردار', 'Vector input'),
    help: L('برای هر نمونه یک بردار تخت می‌دهد: (None, ویژگی‌ها)؛ بُعد زمان ندارد.', 'Feeds one flat vector per sample: (None, features); no time axis.'),
    params: [dim('features', 784, L('تعداد ویژگی‌ها', 'Features'))],
  },
  {
    id: 'input_image', className: 'InputLayer', kind: 'input', wrapper: false, lesson: 'captioning', arity: { min: 0, max: 0 }, dtype: 'float32',
    name: L('ورودی تصویر', 'Image input'),
    help: L('یک تصویر می‌دهد: (None, ارتفاع, پهنا, کانال‌ها).', 'Feeds one image: (None, height, width, channels).'),
    params: [dim('height', 32, L('ارتفاع', 'Height')), dim('width', 32, L('پهنا', 'Width')), dim('channels', 3, L('کانال‌ها', 'Channels'))],
  },
  {
    id: 'input_video', className: 'InputLayer', kind: 'input', wrapper: false, lesson: 'video-cnn-rnn', arity: { min: 0, max: 0 }, dtype: 'float32',
    name: L('ورودی ویدئو', 'Video input'),
    help: L('دنباله‌ای از قاب‌های تصویر می‌دهد: (None, قاب‌ها, ارتفاع, پهنا, کانال‌ها)؛ محور قاب‌ها زمان است.', 'Feeds a sequence of frames: (None, frames, height, width, channels); the frame axis is time.'),
    params: [dim('frames', 10, L('تعداد قاب‌ها', 'Frames')), dim('height', 32, L('ارتفاع', 'Height')), dim('width', 32, L('پهنا', 'Width')), dim('channels', 1, L('کانال‌ها', 'Channels'))],
  },
  {
    id: 'input_tokens', className: 'InputLayer', kind: 'input', wrapper: false, lesson: 'captioning', arity: { min: 0, max: 0 }, dtype: 'int32',
    name: L('ورودی توکن‌ها', 'Token-sequence input'),
    help: L('دنباله‌ای از شماره‌های صحیح واژه‌ها می‌دهد: (None, طول)؛ پیش از لایهٔ بازنمایی (Embedding) می‌آید.', 'Feeds integer word ids: (None, length); goes before an Embedding.'),
    params: [dim('length', 12, L('طول دنباله (خالی = متغیر)', 'Length (empty = variable)'), true)],
  },
  // ------------------------------------------------ recurrent
  {
    id: 'simple_rnn', className: 'SimpleRNN', kind: 'recurrent', wrapper: false, lesson: 'rnn-basics', arity: one,
    name: L('شبکهٔ بازگشتی ساده', 'SimpleRNN'),
    help: L('دنباله را گام‌به‌گام می‌خواند: (None, T, d) ← (None, واحدها) یا با برگرداندن دنباله (None, T, واحدها).', 'Reads the sequence step by step: (None, T, d) -> (None, units), or (None, T, units) with return_sequences.'),
    params: [units(32), activation('tanh'), dropout, recurrentDropout, returnSequences, goBackwards],
  },
  {
    id: 'lstm', className: 'LSTM', kind: 'recurrent', wrapper: false, lesson: 'lstm-gru', arity: one,
    name: L('حافظهٔ کوتاه‌مدتِ طولانی (LSTM)', 'LSTM'),
    help: L('بازگشتی با سلول حافظه و سه دروازه: (None, T, d) ← (None, واحدها)، یا (None, T, واحدها) با برگرداندن دنباله.', 'Recurrent layer with a memory cell and three gates: (None, T, d) -> (None, units), or (None, T, units) with return_sequences.'),
    params: [units(32), activation('tanh'), recurrentActivation, dropout, recurrentDropout, returnSequences, goBackwards],
  },
  {
    id: 'gru', className: 'GRU', kind: 'recurrent', wrapper: false, lesson: 'lstm-gru', arity: one,
    name: L('واحد بازگشتی دروازه‌دار (GRU)', 'GRU'),
    help: L('بازگشتی با دو دروازه، سبک‌تر از LSTM: (None, T, d) ← (None, واحدها)، یا (None, T, واحدها) با برگرداندن دنباله.', 'Recurrent layer with two gates, lighter than LSTM: (None, T, d) -> (None, units), or (None, T, units) with return_sequences.'),
    params: [
      units(32), activation('tanh'), recurrentActivation, dropout, recurrentDropout, returnSequences, goBackwards,
      { name: 'reset_after', type: 'bool', default: false, label: L('اعمال دروازهٔ بازنشانی پس از ضرب ماتریسی', 'Apply reset gate after the matrix product') },
    ],
  },
  {
    id: 'bidirectional', className: 'Bidirectional', kind: 'wrapper', wrapper: true, lesson: 'bidirectional', arity: one,
    wraps: ['simple_rnn', 'lstm', 'gru'],
    name: L('دوسویه', 'Bidirectional'),
    help: L('لایهٔ بازگشتی درونش را یک بار رو به جلو و یک بار رو به عقب اجرا می‌کند؛ با ادغام «الحاق» بُعد آخر دو برابر می‌شود.', 'Runs the wrapped RNN forwards and backwards; with merge mode concat the last axis doubles.'),
    params: [{ name: 'merge_mode', type: 'enum', default: 'concat', options: ['concat', 'sum', 'mul', 'ave'], label: L('روش ادغام دو جهت', 'Merge mode') }],
  },
  {
    id: 'time_distributed', className: 'TimeDistributed', kind: 'wrapper', wrapper: true, lesson: 'video-cnn-rnn', arity: one,
    wraps: ['dense', 'dropout', 'flatten', 'conv1d', 'conv2d', 'max_pooling1d', 'average_pooling1d', 'max_pooling2d', 'global_max_pooling1d', 'global_average_pooling1d'],
    name: L('توزیع در زمان', 'TimeDistributed'),
    help: L('یک لایه را جداگانه روی هر گام زمانی اجرا می‌کند: (None, T, ...) ← (None, T, خروجی لایه).', 'Applies one layer to every timestep separately: (None, T, ...) -> (None, T, layer output).'),
    params: [],
  },
  // ------------------------------------------------ convolution and pooling
  {
    id: 'conv1d', className: 'Conv1D', kind: 'conv', wrapper: false, lesson: 'conv1d', arity: one,
    name: L('کانولوشن یک‌بعدی', 'Conv1D'),
    help: L('پنجره‌ای را در طول زمان می‌لغزاند: (None, T, d) ← (None, T′, فیلترها)؛ با لایه‌گذاری valid طول کوتاه‌تر می‌شود.', 'Slides a window along time: (None, T, d) -> (None, T\', filters); valid padding shortens T.'),
    params: [
      filters(32), { name: 'kernel_size', type: 'int', default: 5, min: 1, max: 1024, label: kernelLabel },
      { name: 'strides', type: 'int', default: 1, min: 1, max: 1024, label: stridesLabel }, padding(true),
      { name: 'dilation_rate', type: 'int', default: 1, min: 1, max: 1024, label: L('نرخ گشادی', 'Dilation rate') }, activation('relu'),
    ],
  },
  {
    id: 'max_pooling1d', className: 'MaxPooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: one,
    name: L('ادغام بیشینه یک‌بعدی', 'MaxPooling1D'),
    help: L('در هر پنجرهٔ زمانی بیشینه را نگه می‌دارد: طول زمان تقریباً بر اندازهٔ پنجره تقسیم می‌شود.', 'Keeps the maximum of each time window: T is divided by about the pool size.'),
    params: [{ name: 'pool_size', type: 'int', default: 2, min: 1, max: 1024, label: poolLabel }, { name: 'strides', type: 'int', default: null, min: 1, max: 1024, nullable: true, label: poolStridesLabel }, padding(false)],
  },
  {
    id: 'average_pooling1d', className: 'AveragePooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: one,
    name: L('ادغام میانگین یک‌بعدی', 'AveragePooling1D'),
    help: L('در هر پنجرهٔ زمانی میانگین می‌گیرد: طول زمان تقریباً بر اندازهٔ پنجره تقسیم می‌شود.', 'Averages each time window: T is divided by about the pool size.'),
    params: [{ name: 'pool_size', type: 'int', default: 2, min: 1, max: 1024, label: poolLabel }, { name: 'strides', type: 'int', default: null, min: 1, max: 1024, nullable: true, label: poolStridesLabel }, padding(false)],
  },
  {
    id: 'global_max_pooling1d', className: 'GlobalMaxPooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: one,
    name: L('ادغام بیشینهٔ سراسری یک‌بعدی', 'GlobalMaxPooling1D'),
    help: L('محور زمان را حذف می‌کند و برای هر ویژگی بیشینه را نگه می‌دارد: (None, T, d) ← (None, d).', 'Removes the time axis, keeping each feature\'s maximum: (None, T, d) -> (None, d).'),
    params: [],
  },
  {
    id: 'global_average_pooling1d', className: 'GlobalAveragePooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: one,
    name: L('ادغام میانگین سراسری یک‌بعدی', 'GlobalAveragePooling1D'),
    help: L('محور زمان را حذف می‌کند و برای هر ویژگی میانگین می‌گیرد: (None, T, d) ← (None, d).', 'Removes the time axis, averaging each feature: (None, T, d) -> (None, d).'),
    params: [],
  },
  {
    id: 'conv2d', className: 'Conv2D', kind: 'conv', wrapper: false, lesson: 'video-cnn-rnn', arity: one,
    name: L('کانولوشن دوبعدی', 'Conv2D'),
    help: L('هسته‌ای را روی ارتفاع و پهنای تصویر می‌لغزاند: (None, H, W, c) ← (None, H′, W′, فیلترها).', 'Slides a kernel over height and width: (None, H, W, c) -> (None, H\', W\', filters).'),
    params: [filters(16), shapeParam('kernel_size', 2, 3, kernelLabel), shapeParam('strides', 2, 1, stridesLabel), padding(false), activation('relu')],
  },
  {
    id: 'max_pooling2d', className: 'MaxPooling2D', kind: 'pool', wrapper: false, lesson: 'video-cnn-rnn', arity: one,
    name: L('ادغام بیشینه دوبعدی', 'MaxPooling2D'),
    help: L('در هر پنجرهٔ مکانی بیشینه را نگه می‌دارد: ارتفاع و پهنا کوچک می‌شوند، کانال‌ها ثابت می‌مانند.', 'Keeps the maximum of each spatial window: height and width shrink, channels stay.'),
    params: [shapeParam('pool_size', 2, 2, poolLabel), shapeParam('strides', 2, null, poolStridesLabel, true), padding(false)],
  },
  {
    id: 'conv3d', className: 'Conv3D', kind: 'conv', wrapper: false, lesson: 'conv3d', arity: one,
    name: L('کانولوشن سه‌بعدی', 'Conv3D'),
    help: L('هسته را هم در زمان (قاب‌ها) و هم در مکان می‌لغزاند: (None, D, H, W, c) ← (None, D′, H′, W′, فیلترها).', 'Slides a kernel over frames and space together: (None, D, H, W, c) -> (None, D\', H\', W\', filters).'),
    params: [filters(8), shapeParam('kernel_size', 3, 3, kernelLabel), shapeParam('strides', 3, 1, stridesLabel), padding(false), activation('relu')],
  },
  {
    id: 'max_pooling3d', className: 'MaxPooling3D', kind: 'pool', wrapper: false, lesson: 'conv3d', arity: one,
    name: L('ادغام بیشینه سه‌بعدی', 'MaxPooling3D'),
    help: L('بیشینهٔ هر پنجرهٔ زمانی‌ـ‌مکانی را نگه می‌دارد: قاب‌ها، ارتفاع و پهنا کوچک می‌شوند.', 'Keeps the maximum of each space-time window: frames, height and width shrink.'),
    params: [shapeParam('pool_size', 3, 2, poolLabel), shapeParam('strides', 3, null, poolStridesLabel, true), padding(false)],
  },
  {
    id: 'conv_lstm2d', className: 'ConvLSTM2D', kind: 'recurrent', wrapper: false, lesson: 'convlstm', arity: one,
    name: L('LSTM کانولوشنی دوبعدی', 'ConvLSTM2D'),
    help: L('LSTM‌ای که به‌جای ضرب ماتریسی کانولوشن دارد: (None, T, H, W, c) ← (None, H′, W′, فیلترها)، یا با زمان اگر دنباله برگردد.', 'An LSTM whose products are convolutions: (None, T, H, W, c) -> (None, H\', W\', filters), keeping T with return_sequences.'),
    params: [
      filters(8), shapeParam('kernel_size', 2, 3, kernelLabel), shapeParam('strides', 2, 1, stridesLabel), padding(false),
      activation('tanh'), recurrentActivation, dropout, recurrentDropout, returnSequences,
    ],
  },
  // ------------------------------------------------ core
  {
    id: 'dense', className: 'Dense', kind: 'core', wrapper: false, lesson: 'core', arity: one,
    name: L('لایهٔ چگال (تمام‌متصل)', 'Dense'),
    help: L('فقط محور آخر را به «واحدها» نگاشت می‌کند: (None, ..., d) ← (None, ..., واحدها)؛ محور زمان اگر باشد می‌ماند.', 'Maps only the last axis to units: (None, ..., d) -> (None, ..., units); a time axis, if any, stays.'),
    params: [units(1), activation('linear')],
  },
  {
    id: 'dropout', className: 'Dropout', kind: 'core', wrapper: false, lesson: 'core', arity: one,
    name: L('دراپ‌اوت', 'Dropout'),
    help: L('هنگام آموزش بخشی از مقادیر را تصادفی صفر می‌کند؛ شکل تغییر نمی‌کند.', 'Zeroes a random fraction of values during training; the shape does not change.'),
    params: [{ name: 'rate', type: 'float', default: 0.5, min: 0, max: 0.99, label: L('نسبت حذف', 'Rate') }],
  },
  {
    id: 'flatten', className: 'Flatten', kind: 'core', wrapper: false, lesson: 'core', arity: one,
    name: L('تخت‌کردن', 'Flatten'),
    help: L('همهٔ محورها جز دسته را در یک بردار پشت هم می‌چیند: (None, a, b, c) ← (None, a×b×c).', 'Lays every axis but the batch out in one vector: (None, a, b, c) -> (None, a*b*c).'),
    params: [],
  },
  {
    id: 'reshape', className: 'Reshape', kind: 'core', wrapper: false, lesson: 'core', arity: one,
    name: L('تغییر شکل', 'Reshape'),
    help: L('همان مقادیر را در شکل تازه‌ای می‌چیند؛ حاصل‌ضرب ابعاد باید برابر بماند (یک ‎-1 یعنی «بقیه»).', 'Rearranges the same values into a new shape; the product of the axes must stay equal (one -1 means "the rest").'),
    params: [{ name: 'target_shape', type: 'shape', default: [-1], min: -1, max: 1_000_000, label: L('شکل مقصد', 'Target shape') }],
  },
  {
    id: 'repeat_vector', className: 'RepeatVector', kind: 'core', wrapper: false, lesson: 'captioning', arity: one,
    name: L('تکرار بردار', 'RepeatVector'),
    help: L('یک بردار را n بار تکرار می‌کند و محور زمان می‌سازد: (None, d) ← (None, n, d).', 'Repeats one vector n times, creating a time axis: (None, d) -> (None, n, d).'),
    params: [{ name: 'n', type: 'int', default: 12, min: 1, max: 100_000, label: L('تعداد تکرار', 'Repetitions') }],
  },
  {
    id: 'embedding', className: 'Embedding', kind: 'core', wrapper: false, lesson: 'captioning', arity: one,
    name: L('بازنمایی واژه (Embedding)', 'Embedding'),
    help: L('هر شمارهٔ واژه را با یک بردار آموختنی جایگزین می‌کند: (None, L) ← (None, L, بُعد بازنمایی).', 'Replaces each word id by a learned vector: (None, L) -> (None, L, output_dim).'),
    params: [
      { name: 'input_dim', type: 'int', default: 1000, min: 1, max: 1_000_000, label: L('اندازهٔ واژگان', 'Vocabulary size') },
      { name: 'output_dim', type: 'int', default: 64, min: 1, max: 4096, label: L('بُعد بازنمایی', 'Embedding size') },
    ],
  },
  {
    id: 'batch_normalization', className: 'BatchNormalization', kind: 'core', wrapper: false, lesson: 'core', arity: one,
    name: L('نرمال‌سازی دسته‌ای', 'BatchNormalization'),
    help: L('محور آخر را با میانگین و واریانس دسته نرمال می‌کند؛ شکل تغییر نمی‌کند (۴c پارامتر، ۲c آن غیرقابل‌آموزش).', 'Normalises the last axis with batch statistics; the shape stays (4c parameters, 2c of them non-trainable).'),
    params: [
      { name: 'momentum', type: 'float', default: 0.99, min: 0, max: 1, label: L('تکانه', 'Momentum') },
      { name: 'epsilon', type: 'float', default: 0.001, min: 0, max: 1, label: L('اپسیلون', 'Epsilon') },
    ],
  },
  {
    id: 'concatenate', className: 'Concatenate', kind: 'merge', wrapper: false, lesson: 'captioning', arity: { min: 2, max: 16 },
    name: L('الحاق', 'Concatenate'),
    help: L('چند ورودی را در امتداد یک محور کنار هم می‌گذارد؛ بقیهٔ محورها باید یکسان باشند.', 'Joins several inputs along one axis; all other axes must match.'),
    params: [{ name: 'axis', type: 'int', default: -1, min: -8, max: 8, label: L('محور', 'Axis') }],
  },
  {
    id: 'add', className: 'Add', kind: 'merge', wrapper: false, lesson: 'core', arity: { min: 2, max: 16 },
    name: L('جمع', 'Add'),
    help: L('چند ورودی هم‌شکل را عضو‌به‌عضو جمع می‌کند؛ شکل خروجی همان شکل ورودی‌هاست.', 'Adds inputs of the same shape element by element; the output has that shape.'),
    params: [],
  },
];

const BY_ID = new Map(BLOCKS.map((b) => [b.id, b]));

export const BLOCK_IDS: readonly string[] = BLOCKS.map((b) => b.id);

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

/** The non-input block for a Keras class name (InputLayer maps to several blocks: see graph.ts). */
export function blockForClassName(className: string): BlockDef | undefined {
  return BLOCKS.find((b) => b.className === className && b.kind !== 'input');
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
