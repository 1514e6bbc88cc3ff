import { inputBlock } from './input-family';
import { L, dim } from './params';

export const inputVector = inputBlock({
  id: 'input_vector', lesson: 'autoencoder', dtype: 'float32', timeAxis: null,
  name: L('ورودی بردار', 'Vector input'),
  help: L('برای هر نمونه یک بردار تخت می‌دهد: (None, ویژگی‌ها)؛ بُعد زمان ندارد.', 'Feeds one flat vector per sample: (None, features); no time axis.'),
  params: [dim('features', 784, L('تعداد ویژگی‌ها', 'Features'))],
});
