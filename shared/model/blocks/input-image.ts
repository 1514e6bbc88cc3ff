import { inputBlock } from './input-family';
import { L, dim } from './params';

export const inputImage = inputBlock({
  id: 'input_image', lesson: 'captioning', dtype: 'float32', timeAxis: null,
  name: L('ورودی تصویر', 'Image input'),
  help: L('یک تصویر می‌دهد: (None, ارتفاع, پهنا, کانال‌ها).', 'Feeds one image: (None, height, width, channels).'),
  params: [dim('height', 32, L('ارتفاع', 'Height')), dim('width', 32, L('پهنا', 'Width')), dim('channels', 3, L('کانال‌ها', 'Channels'))],
});
