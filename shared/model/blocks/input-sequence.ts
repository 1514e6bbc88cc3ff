import { inputBlock } from './input-family';
import { L, dim } from './params';

export const inputSequence = inputBlock({
  id: 'input_sequence', lesson: 'rnn-basics', dtype: 'float32', timeAxis: 1, series: true,
  name: L('ورودی دنباله', 'Sequence input'),
  help: L('دنباله‌ای از بردارها می‌دهد: (None, گام‌های زمانی, ویژگی‌ها)؛ گام‌ها می‌توانند نامعین باشند.', 'Feeds a sequence of vectors: (None, timesteps, features); timesteps may be variable.'),
  params: [dim('timesteps', 240, L('گام‌های زمانی (خالی = متغیر)', 'Timesteps (empty = variable)'), true), dim('features', 14, L('تعداد ویژگی‌ها', 'Features'))],
});
