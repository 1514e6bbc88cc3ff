import { inputBlock } from './input-family';
import { L, dim } from './params';

export const inputTokens = inputBlock({
  id: 'input_tokens', lesson: 'captioning', dtype: 'int32', timeAxis: 1,
  name: L('ورودی توکن‌ها', 'Token-sequence input'),
  help: L('دنباله‌ای از شماره‌های صحیح واژه‌ها می‌دهد: (None, طول)؛ پیش از لایهٔ بازنمایی (Embedding) می‌آید.', 'Feeds integer word ids: (None, length); goes before an Embedding.'),
  params: [dim('length', 12, L('طول دنباله (خالی = متغیر)', 'Length (empty = variable)'), true)],
});
