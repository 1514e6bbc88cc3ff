import { inputBlock } from './input-family';
import { L, dim } from './params';

export const inputVideo = inputBlock({
  id: 'input_video', lesson: 'video-cnn-rnn', dtype: 'float32', timeAxis: 1,
  name: L('ورودی ویدئو', 'Video input'),
  help: L('دنباله‌ای از قاب‌های تصویر می‌دهد: (None, قاب‌ها, ارتفاع, پهنا, کانال‌ها)؛ محور قاب‌ها زمان است.', 'Feeds a sequence of frames: (None, frames, height, width, channels); the frame axis is time.'),
  params: [dim('frames', 10, L('تعداد قاب‌ها', 'Frames')), dim('height', 32, L('ارتفاع', 'Height')), dim('width', 32, L('پهنا', 'Width')), dim('channels', 1, L('کانال‌ها', 'Channels'))],
});
