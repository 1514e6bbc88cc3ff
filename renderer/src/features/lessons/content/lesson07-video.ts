import type { Lesson } from '../types';

export const lesson07: Lesson = {
  id: 'video',
  number: 7,
  title: { en: 'Video analysis: CNN+RNN, 3D CNN, ConvLSTM, C-LSTM', fa: 'تحلیل ویدئو: CNN+RNN، CNN سه‌بعدی، ConvLSTM و C-LSTM' },
  summary: {
    en: 'A video is a sequence of images. Four ways to model space and time together, and where lip reading fits.',
    fa: 'ویدئو دنباله‌ای از تصویرهاست. چهار راه برای مدل‌سازی هم‌زمان مکان و زمان، و جایگاه لب‌خوانی در میان آن‌ها.',
  },
  presets: [
    { id: 'video-cnn-lstm', label: { en: 'CNN per frame + LSTM', fa: 'CNN برای هر قاب و LSTM' } },
    { id: 'video-conv3d', label: { en: '3D CNN', fa: 'CNN سه‌بعدی' } },
    { id: 'video-convlstm', label: { en: 'ConvLSTM', fa: 'ConvLSTM' } },
  ],
  terms: ['frame', 'cnn', 'time-distributed', 'lstm', 'lip-reading', 'conv3d', 'convlstm', 'c-lstm', 'feature-map', 'receptive-field', 'parameter', 'convolution'],
  sections: [
    {
      kind: 'paragraph',
      text: {
        en: 'A video clip is a tensor of shape (frames, height, width, channels). Each frame is an image, so convolutions are the natural tool for space; the frames form a sequence, so something must also model time. The architectures below differ in where space and time meet.',
        fa: 'یک کلیپ ویدئویی تنسوری با شکل (قاب‌ها، ارتفاع، پهنا، کانال‌ها) است. هر قاب (frame) یک تصویر است، پس کانولوشن ابزار طبیعی برای بُعد مکان است؛ قاب‌ها یک دنباله می‌سازند، پس چیزی هم باید زمان را مدل کند. معماری‌های زیر در این تفاوت دارند که مکان و زمان کجا به هم می‌رسند.',
      },
    },
    { kind: 'diagram', id: 'video', caption: { en: 'Frames in time order, left to right, each read by the same CNN before a recurrent layer.', fa: 'قاب‌ها به ترتیب زمان از چپ به راست؛ هر کدام پیش از لایهٔ بازگشتی با همان CNN خوانده می‌شود.' } },
    { kind: 'heading', text: { en: '1. A CNN per frame, then an RNN', fa: '۱. یک CNN برای هر قاب و سپس یک RNN' } },
    {
      kind: 'paragraph',
      text: {
        en: 'The same 2D CNN is applied to every frame (Keras `TimeDistributed(Conv2D(…))`), turning the clip into a sequence of feature vectors, one per frame. An LSTM or GRU then reads that sequence. Space is handled first, time afterwards. This is the classic design for lip reading: a CNN describes the shape of the mouth in each frame, and the recurrent layers follow how that shape changes to recognise the spoken words; well-known lip-reading models such as LipNet (2016) combine spatio-temporal convolutions with bidirectional GRUs.',
        fa: 'یک CNN دوبعدیِ یکسان روی همهٔ قاب‌ها اعمال می‌شود (`TimeDistributed(Conv2D(…))` در Keras) و کلیپ را به دنباله‌ای از بردارهای ویژگی، یکی برای هر قاب، تبدیل می‌کند. سپس یک LSTM یا GRU این دنباله را می‌خواند. اول مکان پردازش می‌شود و بعد زمان. این طراحی کلاسیک لب‌خوانی (lip reading) است: CNN شکل دهان را در هر قاب توصیف می‌کند و لایه‌های بازگشتی تغییر این شکل را دنبال می‌کنند تا واژه‌های گفته‌شده را بازشناسند؛ مدل‌های شناخته‌شدهٔ لب‌خوانی مانند LipNet (۲۰۱۶) کانولوشن‌های مکانی–زمانی را با GRUهای دوسویه ترکیب می‌کنند.',
      },
    },
    { kind: 'heading', text: { en: '2. 3D convolutions', fa: '۲. کانولوشن‌های سه‌بعدی' } },
    {
      kind: 'paragraph',
      text: {
        en: 'A 3D convolution (`Conv3D`) extends the kernel into time: a $3 \\times 3 \\times 3$ kernel covers three neighbouring frames and a $3 \\times 3$ patch in each. It learns short motions directly (a hand moving, lips opening) and treats space and time in the same way. It has no memory beyond its receptive field, so long clips need depth, pooling along time, or a recurrent layer on top. It is also expensive: parameters $k_d k_h k_w c f + f$ and computation grow with the extra dimension.',
        fa: 'کانولوشن سه‌بعدی (`Conv3D`) هسته را به زمان هم گسترش می‌دهد: یک هستهٔ $3 \\times 3 \\times 3$ سه قاب همسایه و در هر کدام یک وصلهٔ $3 \\times 3$ را می‌پوشاند. این کانولوشن حرکت‌های کوتاه را مستقیماً یاد می‌گیرد (حرکت دست، باز شدن لب‌ها) و با مکان و زمان یکسان رفتار می‌کند. حافظه‌ای فراتر از میدان دیدش ندارد؛ پس کلیپ‌های بلند به عمق، ادغام در طول زمان یا یک لایهٔ بازگشتی روی آن نیاز دارند. هزینه‌اش هم زیاد است: پارامترها $k_d k_h k_w c f + f$ هستند و محاسبه با بُعد اضافه بزرگ می‌شود.',
      },
    },
    { kind: 'heading', text: { en: '3. ConvLSTM', fa: '۳. ConvLSTM' } },
    {
      kind: 'paragraph',
      text: {
        en: 'A ConvLSTM (Shi et al., 2015, for precipitation nowcasting from radar images) puts the convolution inside the recurrent cell. Its input, state and cell are all feature maps, and every matrix product of the LSTM becomes a convolution ($*$ below). The state keeps its spatial layout, so the model can learn where things move, not only that they move.',
        fa: 'ConvLSTM (شی و همکاران، ۲۰۱۵، برای پیش‌بینی کوتاه‌مدت بارش از روی تصویرهای رادار) کانولوشن را به درون سلول بازگشتی می‌برد. ورودی، حالت و سلول آن همه نگاشت ویژگی‌اند و هر ضرب ماتریسی LSTM به یک کانولوشن (نماد $*$ در زیر) تبدیل می‌شود. حالت چیدمان مکانی‌اش را نگه می‌دارد، پس مدل می‌تواند یاد بگیرد چیزها به کجا حرکت می‌کنند، نه فقط اینکه حرکت می‌کنند.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`\begin{aligned} i_t &= \sigma(W_{xi} * X_t + W_{hi} * H_{t-1} + b_i) \\ f_t &= \sigma(W_{xf} * X_t + W_{hf} * H_{t-1} + b_f) \\ o_t &= \sigma(W_{xo} * X_t + W_{ho} * H_{t-1} + b_o) \\ C_t &= f_t \odot C_{t-1} + i_t \odot \tanh(W_{xc} * X_t + W_{hc} * H_{t-1} + b_c) \\ H_t &= o_t \odot \tanh(C_t) \end{aligned}`,
      caption: { en: 'ConvLSTM as in Keras `ConvLSTM2D` (the original paper also had peephole terms). Parameters: $4(k_h k_w c f + k_h k_w f f + f)$.', fa: 'ConvLSTM به شکل `ConvLSTM2D` در Keras (مقالهٔ اصلی جمله‌های peephole هم داشت). پارامترها: $4(k_h k_w c f + k_h k_w f f + f)$.' },
    },
    { kind: 'heading', text: { en: '4. C-LSTM', fa: '۴. C-LSTM' } },
    {
      kind: 'paragraph',
      text: {
        en: 'C-LSTM names the stacked combination: convolutional layers extract local features, and their output sequence feeds LSTM layers that model the order. The name was introduced for text classification (Zhou et al., 2015), and the same pattern is used for video and sensor signals. Do not confuse it with ConvLSTM: in C-LSTM the convolution and the LSTM are separate layers one after the other; in ConvLSTM the convolution is inside the LSTM cell.',
        fa: 'C-LSTM نام ترکیب پشته‌ای است: لایه‌های کانولوشنی ویژگی‌های محلی را بیرون می‌کشند و دنبالهٔ خروجی آن‌ها به لایه‌های LSTM می‌رود که ترتیب را مدل می‌کنند. این نام برای دسته‌بندی متن معرفی شد (ژو و همکاران، ۲۰۱۵) و همین الگو برای ویدئو و سیگنال‌های حسگر هم به کار می‌رود. آن را با ConvLSTM اشتباه نگیرید: در C-LSTM کانولوشن و LSTM دو لایهٔ جدا و پشت سر هم‌اند؛ در ConvLSTM کانولوشن درون سلول LSTM است.',
      },
    },
    {
      kind: 'list',
      items: [
        { en: 'CNN+RNN / C-LSTM: cheap per frame, good when each frame can be summarised by one vector; motion is seen only through the sequence of summaries.', fa: 'CNN+RNN و C-LSTM: برای هر قاب ارزان است و وقتی خوب است که هر قاب را بتوان با یک بردار خلاصه کرد؛ حرکت فقط از طریق دنبالهٔ خلاصه‌ها دیده می‌شود.' },
        { en: '3D CNN: learns short motion directly; costly and limited to its temporal receptive field.', fa: 'CNN سه‌بعدی: حرکت کوتاه را مستقیماً یاد می‌گیرد؛ پرهزینه است و به میدان دید زمانی‌اش محدود است.' },
        { en: 'ConvLSTM: keeps spatial layout in its memory; suited to predicting the next frames of a field (radar, traffic, video).', fa: 'ConvLSTM: چیدمان مکانی را در حافظه‌اش نگه می‌دارد؛ برای پیش‌بینی قاب‌های بعدی یک میدان (رادار، ترافیک، ویدئو) مناسب است.' },
      ],
    },
    {
      kind: 'experiment',
      presetId: 'video-cnn-lstm',
      title: { en: 'Three video models, one clip shape', fa: 'سه مدل ویدئو، یک شکل کلیپ' },
      steps: [
        { en: 'Open the CNN+LSTM preset and follow the shape: the frame axis stays intact through `TimeDistributed` until the LSTM removes it.', fa: 'پیش‌تنظیم CNN+LSTM را باز کنید و شکل را دنبال کنید: محور قاب‌ها در `TimeDistributed` دست‌نخورده می‌ماند تا LSTM آن را حذف کند.' },
        { en: 'Open the 3D CNN and ConvLSTM presets and compare parameter counts and the shape after the first layer.', fa: 'پیش‌تنظیم‌های CNN سه‌بعدی و ConvLSTM را باز کنید و تعداد پارامترها و شکل پس از لایهٔ اول را مقایسه کنید.' },
        { en: 'Double the number of frames in each model\'s input.', fa: 'تعداد قاب‌های ورودی هر مدل را دو برابر کنید.' },
      ],
      observe: [
        { en: 'The convolutional and recurrent blocks keep exactly the same parameter counts: their weights are shared over time. Only a dense layer after a `Flatten` that includes the frame axis would grow.', fa: 'تعداد پارامترهای بلوک‌های کانولوشنی و بازگشتی دقیقاً همان می‌ماند: وزن‌های آن‌ها در طول زمان مشترک‌اند. فقط یک لایهٔ چگال که پس از یک `Flatten` شاملِ محور قاب‌ها بیاید بزرگ‌تر می‌شود.' },
        { en: 'The output of the `ConvLSTM2D` block is still a feature map (height × width × filters), while the LSTM of the first model outputs a vector.', fa: 'خروجی بلوک `ConvLSTM2D` همچنان یک نگاشت ویژگی است (ارتفاع × پهنا × فیلترها)، در حالی که LSTM مدل اول یک بردار بیرون می‌دهد.' },
      ],
    },
  ],
};
