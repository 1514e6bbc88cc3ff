import type { Lesson } from '../types';

export const lesson06: Lesson = {
  id: 'captioning',
  number: 6,
  title: { en: 'Image captioning: a CNN encoder and an RNN decoder', fa: 'تولید شرح تصویر: رمزگذار CNN و رمزگشای RNN' },
  summary: {
    en: 'A convolutional network turns the picture into a vector; a recurrent network turns the vector into a sentence, one word at a time.',
    fa: 'یک شبکهٔ کانولوشنی تصویر را به یک بردار تبدیل می‌کند و یک شبکهٔ بازگشتی آن بردار را، واژه به واژه، به یک جمله.',
  },
  presets: [{ id: 'captioning', label: { en: 'CNN encoder + GRU decoder', fa: 'رمزگذار CNN و رمزگشای GRU' } }],
  terms: ['image-captioning', 'encoder', 'decoder', 'cnn', 'embedding', 'softmax', 'teacher-forcing', 'greedy-decoding', 'beam-search', 'attention', 'transfer-learning', 'timestep'],
  sections: [
    {
      kind: 'paragraph',
      text: {
        en: 'Captioning maps an image to a sentence, such as "two children playing football on the grass". Input and output have nothing in common structurally: the image is a grid of pixels, the caption a sequence of words of varying length. The encoder–decoder design splits the job in two: an encoder that understands the image and a decoder that writes.',
        fa: 'تولید شرح تصویر (image captioning) یک تصویر را به یک جمله نگاشت می‌کند، مثلاً «دو کودک روی چمن فوتبال بازی می‌کنند». ورودی و خروجی از نظر ساختار هیچ شباهتی ندارند: تصویر شبکه‌ای از پیکسل‌هاست و شرح، دنباله‌ای از واژه‌ها با طول متغیر. طراحی رمزگذار–رمزگشا (encoder–decoder) کار را دو بخش می‌کند: رمزگذاری که تصویر را می‌فهمد و رمزگشایی که می‌نویسد.',
      },
    },
    { kind: 'heading', text: { en: 'The encoder: a CNN', fa: 'رمزگذار: یک CNN' } },
    {
      kind: 'paragraph',
      text: {
        en: 'The encoder is a convolutional network, usually one already trained to classify a large collection of photos, with its classification layer removed. What remains maps the image to a feature vector $v$ (or a small grid of them) that describes objects, textures and their arrangement. Reusing a trained CNN is transfer learning: the caption data set can be far smaller than the data the CNN was trained on.',
        fa: 'رمزگذار یک شبکهٔ کانولوشنی است، معمولاً شبکه‌ای که پیش‌تر برای دسته‌بندی مجموعهٔ بزرگی از عکس‌ها آموزش دیده و لایهٔ دسته‌بندی آن برداشته شده است. آنچه می‌ماند تصویر را به یک بردار ویژگی $v$ (یا شبکهٔ کوچکی از چنین بردارهایی) نگاشت می‌کند که اشیا، بافت‌ها و چیدمان آن‌ها را توصیف می‌کند. استفادهٔ دوباره از یک CNN آموزش‌دیده یادگیری انتقالی (transfer learning) است: مجموعه‌دادهٔ شرح‌ها می‌تواند بسیار کوچک‌تر از داده‌ای باشد که CNN با آن آموزش دیده است.',
      },
    },
    { kind: 'heading', text: { en: 'The decoder: an RNN that writes', fa: 'رمزگشا: یک RNN که می‌نویسد' } },
    {
      kind: 'paragraph',
      text: {
        en: 'The decoder is a language model conditioned on the image. The image vector sets its initial state (or is fed at every step). At each step it receives the previous word as an embedding, updates its state, and a softmax layer gives a probability for every word of the vocabulary. The sentence ends when it produces a special end token.',
        fa: 'رمزگشا یک مدل زبانی است که به تصویر مشروط شده است. بردار تصویر حالت آغازین آن را تعیین می‌کند (یا در هر گام به آن داده می‌شود). در هر گام، واژهٔ قبلی را به شکل یک بردار تعبیه (embedding) می‌گیرد، حالتش را به‌روز می‌کند و یک لایهٔ softmax برای هر واژهٔ واژگان یک احتمال می‌دهد. جمله وقتی پایان می‌یابد که نشانهٔ ویژهٔ پایان تولید شود.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`h_0 = \tanh(W_v\, v), \quad h_t = \mathrm{GRU}\!\left(E\, w_{t-1},\ h_{t-1}\right), \quad p(w_t \mid w_{<t}, I) = \mathrm{softmax}(W_o h_t + b_o)`,
      caption: { en: 'One common way to condition the decoder on the image $I$ (feature vector $v$).', fa: 'یکی از روش‌های رایج برای مشروط کردن رمزگشا به تصویر $I$ (با بردار ویژگی $v$).' },
    },
    { kind: 'diagram', id: 'captioning', caption: { en: 'The CNN reads the image once; the decoder unrolls over the words, left to right in time.', fa: 'CNN تصویر را یک بار می‌خواند؛ رمزگشا روی واژه‌ها در زمان از چپ به راست باز می‌شود.' } },
    { kind: 'heading', text: { en: 'Training and generating', fa: 'آموزش و تولید' } },
    {
      kind: 'list',
      items: [
        { en: 'Training maximises the probability of the human caption, word by word: the loss is $-\\sum_t \\log p(w_t \\mid w_{<t}, I)$. The decoder is fed the true previous word, not its own guess (teacher forcing), so all steps can be trained in parallel.', fa: 'آموزش احتمال شرحِ نوشته‌شده به دست انسان را واژه به واژه بیشینه می‌کند: تابع زیان $-\\sum_t \\log p(w_t \\mid w_{<t}, I)$ است. به رمزگشا واژهٔ قبلیِ درست داده می‌شود نه حدس خودش (اجبار معلم، teacher forcing)، پس همهٔ گام‌ها را می‌توان موازی آموزش داد.' },
        { en: 'Generation has no true words: the decoder feeds back its own choice. Greedy decoding takes the most probable word each time; beam search keeps the $k$ best partial sentences and usually writes better captions.', fa: 'در تولید، واژهٔ درستی در کار نیست: رمزگشا انتخاب خودش را به خودش بازمی‌گرداند. رمزگشایی حریصانه هر بار محتمل‌ترین واژه را برمی‌دارد؛ جست‌وجوی پرتویی (beam search) $k$ جملهٔ نیمه‌کارهٔ برتر را نگه می‌دارد و معمولاً شرح‌های بهتری می‌نویسد.' },
        { en: 'With attention, the encoder keeps a grid of feature vectors instead of one, and at every word the decoder computes weights over the grid: it "looks at" the region it is describing.', fa: 'با سازوکار توجه (attention)، رمزگذار به جای یک بردار، شبکه‌ای از بردارهای ویژگی نگه می‌دارد و رمزگشا برای هر واژه روی این شبکه وزن‌هایی حساب می‌کند: به ناحیه‌ای «نگاه می‌کند» که در حال توصیف آن است.' },
      ],
    },
    {
      kind: 'callout',
      tone: 'history',
      title: { en: 'A little history', fa: 'کمی تاریخچه' },
      text: {
        en: 'Around 2014–2015 several groups showed that a CNN encoder with an LSTM decoder, trained end to end, writes fluent captions; attention over image regions followed in 2015. Today transformers often replace the RNN decoder, but the encoder–decoder split is the same.',
        fa: 'حدود سال‌های ۲۰۱۴ تا ۲۰۱۵ چند گروه پژوهشی نشان دادند که یک رمزگذار CNN با رمزگشای LSTM، که سرتاسری (end to end) آموزش ببیند، شرح‌های روانی می‌نویسد؛ توجه روی ناحیه‌های تصویر در ۲۰۱۵ از پی آن آمد. امروز اغلب ترنسفورمرها جای رمزگشای RNN را می‌گیرند، اما تقسیم رمزگذار–رمزگشا همان است.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'captioning',
      title: { en: 'Read the shapes of a captioning model', fa: 'شکل‌های یک مدل شرح‌نویسی را بخوانید' },
      steps: [
        { en: 'Open the captioning preset. Follow the image branch (convolutions, pooling, a dense projection) and the word branch (embedding, recurrent decoder).', fa: 'پیش‌تنظیم شرح‌نویسی را باز کنید. شاخهٔ تصویر (کانولوشن‌ها، ادغام، یک نگاشت چگال) و شاخهٔ واژه (تعبیه، رمزگشای بازگشتی) را دنبال کنید.' },
        { en: 'Find where the image vector enters the decoder and check that its width equals the number of units of the recurrent layer it initialises.', fa: 'جایی را پیدا کنید که بردار تصویر وارد رمزگشا می‌شود و بررسی کنید پهنای آن با تعداد واحدهای لایهٔ بازگشتی‌ای که مقدار آغازینش را می‌سازد برابر باشد.' },
        { en: 'Change the vocabulary size and watch which parameter counts change.', fa: 'اندازهٔ واژگان را تغییر دهید و ببینید تعداد پارامترهای کدام بلوک‌ها تغییر می‌کند.' },
      ],
      observe: [
        { en: 'The output has one softmax over the vocabulary per timestep: shape `(batch, caption length, vocabulary)`.', fa: 'خروجی در هر گام زمانی یک softmax روی واژگان دارد: شکل `(batch, caption length, vocabulary)`.' },
        { en: 'Only the embedding and the output layer grow with the vocabulary; the CNN is unaffected.', fa: 'فقط لایهٔ تعبیه و لایهٔ خروجی با واژگان بزرگ می‌شوند؛ CNN تغییری نمی‌کند.' },
      ],
    },
  ],
};
