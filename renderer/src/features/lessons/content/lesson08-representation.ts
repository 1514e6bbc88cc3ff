import type { Lesson } from '../types';

export const lesson08: Lesson = {
  id: 'representation',
  number: 8,
  title: { en: 'Representation learning', fa: 'یادگیری بازنمایی' },
  summary: {
    en: 'The same data described in a better way makes the task easy. Networks learn such descriptions, with labels or without.',
    fa: 'اگر همان داده به شکل بهتری توصیف شود، مسئله آسان می‌شود. شبکه‌ها چنین توصیف‌هایی را، با برچسب یا بدون آن، یاد می‌گیرند.',
  },
  presets: [{ id: 'dense-autoencoder', label: { en: 'Dense autoencoder', fa: 'خودرمزگذار چگال' } }],
  terms: ['representation', 'representation-learning', 'feature', 'feature-engineering', 'supervised', 'unsupervised', 'self-supervised', 'autoencoder', 'bottleneck', 'encoder', 'decoder', 'embedding', 'transfer-learning', 'distributed-representation'],
  sections: [
    { kind: 'heading', text: { en: 'Why the representation matters', fa: 'چرا بازنمایی مهم است' } },
    {
      kind: 'paragraph',
      text: {
        en: 'A representation is the set of numbers through which a model sees its input. The same information can be written in many ways, and the choice decides how hard the task is. Take points on two circles around the origin, an inner one and an outer one. In $(x, y)$ coordinates no straight line separates them. Describe each point by its radius $r = \\sqrt{x^2 + y^2}$ instead, and a single threshold on $r$ does the job. Nothing was added to the data; only the description changed.',
        fa: 'بازنمایی (representation) مجموعه‌ای از عددهاست که مدل ورودی‌اش را از دریچهٔ آن‌ها می‌بیند. یک اطلاعات واحد را می‌توان به شکل‌های بسیاری نوشت و این انتخاب تعیین می‌کند مسئله چقدر دشوار باشد. نقطه‌هایی روی دو دایره به مرکز مبدأ را در نظر بگیرید، یکی داخلی و یکی بیرونی. در مختصات $(x, y)$ هیچ خط راستی آن‌ها را از هم جدا نمی‌کند. اگر به جای آن هر نقطه را با شعاعش $r = \\sqrt{x^2 + y^2}$ توصیف کنیم، یک آستانهٔ تنها روی $r$ کار را تمام می‌کند. چیزی به داده اضافه نشد؛ فقط توصیف عوض شد.',
      },
    },
    { kind: 'diagram', id: 'representation', caption: { en: 'The same points in two representations: tangled in $(x, y)$, separated by one number, $r$.', fa: 'همان نقطه‌ها در دو بازنمایی: در $(x, y)$ درهم، با یک عدد تنها، یعنی $r$، جدا از هم.' } },
    {
      kind: 'paragraph',
      text: {
        en: 'For decades, finding good representations was manual work called feature engineering: experts designed edge detectors for images, spectral features for speech, hand-picked statistics for sensor data. Deep learning changed that: every hidden layer computes a new representation of its input, and training adjusts all of them so that the last one makes the task easy for a simple output layer. Learning the representation is most of what a deep network does.',
        fa: 'ده‌ها سال، یافتن بازنمایی خوب کاری دستی به نام مهندسی ویژگی (feature engineering) بود: متخصصان برای تصویر آشکارساز لبه، برای گفتار ویژگی‌های طیفی و برای داده‌های حسگر آماره‌های دست‌چین طراحی می‌کردند. یادگیری عمیق این را تغییر داد: هر لایهٔ پنهان بازنمایی تازه‌ای از ورودی‌اش حساب می‌کند و آموزش همهٔ آن‌ها را طوری تنظیم می‌کند که آخرین بازنمایی کار را برای یک لایهٔ خروجی ساده آسان کند. بیشترِ کار یک شبکهٔ عمیق، یادگیری بازنمایی است.',
      },
    },
    {
      kind: 'list',
      items: [
        { en: 'A good representation keeps what matters for the task and drops nuisance variation (lighting, speaker, sensor noise).', fa: 'بازنمایی خوب آنچه را برای مسئله مهم است نگه می‌دارد و تغییرات مزاحم (نور، گوینده، نویز حسگر) را کنار می‌گذارد.' },
        { en: 'It is often distributed: many units each capture one factor, and combinations of them describe exponentially many cases.', fa: 'اغلب توزیع‌شده (distributed) است: هر یک از واحدهای بسیار یک عامل را می‌گیرد و ترکیب آن‌ها تعداد بسیار زیادی حالت را توصیف می‌کند.' },
        { en: 'It transfers: features learned for one task are often useful for related tasks, which is why pretrained encoders are reused (lesson 6).', fa: 'قابل انتقال است: ویژگی‌هایی که برای یک مسئله آموخته شده‌اند اغلب برای مسئله‌های مرتبط هم مفیدند؛ به همین دلیل رمزگذارهای پیش‌آموزش‌دیده دوباره به کار می‌روند (درس ۶).' },
      ],
    },
    { kind: 'heading', text: { en: 'Supervised representation learning', fa: 'یادگیری بازنمایی بانظارت' } },
    {
      kind: 'paragraph',
      text: {
        en: 'When labels exist, a network trained for the labelled task learns its representations as a side effect. The hidden state of the GRU in lesson 1 is a learned summary of ten days of weather, shaped only by the goal of predicting tomorrow\'s temperature. Such representations are excellent for the task they were trained on, but they need many labels and may ignore anything the labels do not reward.',
        fa: 'وقتی برچسب وجود دارد، شبکه‌ای که برای مسئلهٔ برچسب‌دار آموزش می‌بیند، بازنمایی‌هایش را به‌عنوان یک پیامد جانبی یاد می‌گیرد. حالت پنهان GRU در درس ۱ خلاصه‌ای آموخته‌شده از ده روز هواست که فقط با هدف پیش‌بینی دمای فردا شکل گرفته است. چنین بازنمایی‌هایی برای همان مسئله‌ای که با آن آموزش دیده‌اند عالی‌اند، اما به برچسب‌های زیادی نیاز دارند و ممکن است هر چیزی را که برچسب‌ها پاداش نمی‌دهند نادیده بگیرند.',
      },
    },
    { kind: 'heading', text: { en: 'Unsupervised representation learning', fa: 'یادگیری بازنمایی بدون نظارت' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Without labels, we need another signal. An autoencoder asks the network to reconstruct its own input after squeezing it through a narrow layer, the bottleneck. To succeed it must keep the main factors of variation in the code $c$ and drop the rest. The encoder half can later serve as a feature extractor for a supervised task.',
        fa: 'بدون برچسب، به سیگنال دیگری نیاز داریم. یک خودرمزگذار (autoencoder) از شبکه می‌خواهد ورودی خودش را پس از عبور دادن از یک لایهٔ باریک، یعنی گلوگاه (bottleneck)، بازسازی کند. برای موفقیت باید عامل‌های اصلی تغییر را در کد $c$ نگه دارد و بقیه را دور بریزد. نیمهٔ رمزگذار بعداً می‌تواند به‌عنوان استخراج‌کنندهٔ ویژگی برای یک مسئلهٔ بانظارت به کار رود.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`c = f_\theta(x), \qquad \hat{x} = g_\phi(c), \qquad \mathcal{L}(\theta, \phi) = \frac{1}{N} \sum_{n=1}^{N} \left\lVert x^{(n)} - g_\phi\!\left(f_\theta(x^{(n)})\right) \right\rVert^2`,
      caption: { en: 'An autoencoder: encoder $f_\\theta$, decoder $g_\\phi$, reconstruction loss.', fa: 'یک خودرمزگذار: رمزگذار $f_\\theta$، رمزگشا $g_\\phi$ و تابع زیان بازسازی.' },
    },
    {
      kind: 'paragraph',
      text: {
        en: 'Modern self-supervised learning generalises the idea: hide part of the data and predict it from the rest (the next word, a masked word, a missing patch of an image, the next step of a signal). The labels come free from the data itself. Word embeddings and today\'s large pretrained language models are learned this way.',
        fa: 'یادگیری خودنظارتی (self-supervised) امروزی همین ایده را گسترش می‌دهد: بخشی از داده را پنهان کن و آن را از بقیه پیش‌بینی کن (واژهٔ بعدی، یک واژهٔ پوشانده‌شده، تکهٔ گم‌شدهٔ یک تصویر، گام بعدی یک سیگنال). برچسب‌ها رایگان از خود داده به دست می‌آیند. بردارهای تعبیهٔ واژه و مدل‌های زبانی بزرگِ پیش‌آموزش‌دیدهٔ امروزی این‌گونه آموخته می‌شوند.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'dense-autoencoder',
      title: { en: 'How narrow can the bottleneck be?', fa: 'گلوگاه تا چه اندازه می‌تواند باریک باشد؟' },
      steps: [
        { en: 'Open the dense autoencoder preset and find the bottleneck layer between encoder and decoder.', fa: 'پیش‌تنظیم خودرمزگذار چگال را باز کنید و لایهٔ گلوگاه میان رمزگذار و رمزگشا را پیدا کنید.' },
        { en: 'Train it and note the reconstruction loss; then halve the bottleneck width twice, training each time.', fa: 'آن را آموزش دهید و زیان بازسازی را یادداشت کنید؛ سپس پهنای گلوگاه را دو بار نصف کنید و هر بار آموزش دهید.' },
        { en: 'Set the bottleneck wider than the input and train once more.', fa: 'پهنای گلوگاه را از ورودی بیشتر کنید و یک بار دیگر آموزش دهید.' },
      ],
      observe: [
        { en: 'The loss rises slowly at first and then sharply once the code is too small to hold the main factors of the data.', fa: 'زیان ابتدا آهسته و سپس، وقتی کد برای نگه‌داشتن عامل‌های اصلی داده بیش از حد کوچک شود، به‌تندی بالا می‌رود.' },
        { en: 'With a bottleneck wider than the input the loss can become very small without anything useful being learned: the network can learn to copy. Narrowness (or another constraint such as noise or sparsity) is what forces a useful representation.', fa: 'با گلوگاهی پهن‌تر از ورودی، زیان می‌تواند بسیار کوچک شود بی‌آنکه چیز مفیدی آموخته شود: شبکه می‌تواند کپی کردن را یاد بگیرد. باریکی (یا قید دیگری مانند نویز یا تُنُکی) است که یک بازنمایی مفید را تحمیل می‌کند.' },
      ],
    },
  ],
};
