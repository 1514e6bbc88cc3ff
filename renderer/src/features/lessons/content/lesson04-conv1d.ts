import type { Lesson } from '../types';

export const lesson04: Lesson = {
  id: 'conv1d',
  number: 4,
  title: { en: '1D convolution for sequences', fa: 'کانولوشن یک‌بعدی برای دنباله‌ها' },
  summary: {
    en: 'Small filters that slide along time: local patterns, translation invariance, stride and pooling, and why they are cheap.',
    fa: 'فیلترهای کوچکی که در طول زمان می‌لغزند: الگوهای محلی، ناوردایی نسبت به جابه‌جایی، گام و ادغام، و اینکه چرا ارزان‌اند.',
  },
  presets: [{ id: 'conv1d-6.47', label: { en: '1D convnet (listing 6.47)', fa: 'شبکهٔ کانولوشنی یک‌بعدی (فهرست ۶٫۴۷)' } }],
  terms: ['convolution', 'kernel', 'feature-map', 'stride', 'padding', 'pooling', 'global-pooling', 'receptive-field', 'translation-invariance', 'parameter', 'timestep', 'relu', 'baseline', 'mae'],
  sections: [
    {
      kind: 'paragraph',
      text: {
        en: 'A 1D convolution slides a small window of $k$ timesteps along the sequence. At every position it multiplies the $k \\times d$ values under the window by a learned filter of the same shape and adds them up, producing one number per filter. With $f$ filters the output is again a sequence, $f$ features wide: a feature map that says, for each position, how strongly each filter\'s pattern is present there.',
        fa: 'کانولوشن یک‌بعدی (1D convolution) پنجره‌ای کوچک به طول $k$ گام زمانی را در طول دنباله می‌لغزاند. در هر موقعیت، $k \\times d$ مقدارِ زیر پنجره را در فیلتری آموخته‌شده با همان شکل ضرب و با هم جمع می‌کند و به ازای هر فیلتر یک عدد می‌سازد. با $f$ فیلتر، خروجی باز هم یک دنباله با پهنای $f$ ویژگی است: یک نگاشت ویژگی (feature map) که برای هر موقعیت می‌گوید الگوی هر فیلتر چقدر در آنجا حضور دارد.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`y_{t,j} = \mathrm{ReLU}\!\left(b_j + \sum_{m=0}^{k-1} \sum_{c=1}^{d} W_{m,c,j}\; x_{s t + m,\, c}\right)`,
      caption: { en: 'Output feature $j$ at output position $t$ (stride $s$, no padding).', fa: 'ویژگی خروجی $j$ در موقعیت خروجی $t$ (با گام $s$ و بدون لایه‌گذاری).' },
    },
    { kind: 'diagram', id: 'conv1d', caption: { en: 'A filter of width 5 sliding along time, then pooling by 3. Time runs left to right.', fa: 'فیلتری به پهنای ۵ که در طول زمان می‌لغزد و سپس ادغام با اندازهٔ ۳. زمان از چپ به راست است.' } },
    { kind: 'heading', text: { en: 'Local patterns and translation invariance', fa: 'الگوهای محلی و ناوردایی نسبت به جابه‌جایی' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Each output looks only at $k$ neighbouring steps, so a filter learns a local pattern: a sharp rise, a daily bump, a few letters that form a common ending. The same weights are used at every position. If the pattern moves three steps later in the input, the response moves three steps later in the output (the convolution is translation-equivariant), and after a max pooling over the whole sequence the answer no longer depends on where the pattern was (translation-invariant). A pattern learned at one place is recognised everywhere.',
        fa: 'هر خروجی فقط به $k$ گام همسایه نگاه می‌کند، پس هر فیلتر یک الگوی محلی را یاد می‌گیرد: یک افزایش تند، یک برآمدگی روزانه، یا چند حرف که پسوندی رایج می‌سازند. وزن‌ها در همهٔ موقعیت‌ها یکسان‌اند. اگر الگو در ورودی سه گام دیرتر بیاید، پاسخ آن در خروجی هم سه گام دیرتر می‌آید (کانولوشن هم‌وردا با جابه‌جایی است) و پس از ادغام بیشینه روی کل دنباله، پاسخ دیگر به جای الگو وابسته نیست (ناوردایی نسبت به جابه‌جایی، translation invariance). الگویی که در یک جا آموخته شود، همه‌جا شناخته می‌شود.',
      },
    },
    {
      kind: 'paragraph',
      text: {
        en: 'That is a strength for data where a pattern means the same thing wherever it occurs, and a weakness where position matters. For a temperature forecast, a warm spell yesterday and the same warm spell nine days ago mean very different things.',
        fa: 'این ویژگی برای داده‌هایی که یک الگو در هر جا که رخ دهد همان معنا را دارد، نقطهٔ قوت است و جایی که موقعیت مهم است، نقطهٔ ضعف. در پیش‌بینی دما، یک دورهٔ گرم دیروز و همان دورهٔ گرم نُه روز پیش معناهای بسیار متفاوتی دارند.',
      },
    },
    { kind: 'heading', text: { en: 'Stride, pooling and the receptive field', fa: 'گام، ادغام و میدان دید' } },
    {
      kind: 'list',
      items: [
        { en: 'Stride $s$: the window jumps $s$ steps at a time, so the output is about $s$ times shorter. With no padding the output length is $\\lfloor (T - k)/s \\rfloor + 1$.', fa: 'گام (stride) $s$: پنجره هر بار $s$ گام می‌پرد، پس خروجی تقریباً $s$ برابر کوتاه‌تر است. بدون لایه‌گذاری (padding) طول خروجی $\\lfloor (T - k)/s \\rfloor + 1$ است.' },
        { en: 'Pooling: `MaxPooling1D(3)` keeps the largest value of every 3 consecutive steps, shortening the sequence three times without any weights. `GlobalMaxPooling1D` keeps one maximum per feature over the whole sequence and removes the time axis.', fa: 'ادغام (pooling): `MaxPooling1D(3)` از هر ۳ گام پشت سر هم بزرگ‌ترین مقدار را نگه می‌دارد و بدون هیچ وزنی دنباله را سه برابر کوتاه می‌کند. `GlobalMaxPooling1D` برای هر ویژگی یک بیشینه روی کل دنباله نگه می‌دارد و محور زمان را حذف می‌کند.' },
        { en: 'Receptive field: each layer widens how far back an output can see. In listing 6.47 (three `Conv1D(32, 5)` with `MaxPooling1D(3)` between them) a unit of the last convolution sees 61 input steps, about two and a half days of hourly data, out of the 240.', fa: 'میدان دید (receptive field): هر لایه گسترهٔ نگاه هر خروجی را بیشتر می‌کند. در فهرست ۶٫۴۷ (سه `Conv1D(32, 5)` با `MaxPooling1D(3)` میان آن‌ها) هر واحدِ آخرین کانولوشن ۶۱ گام ورودی را می‌بیند، یعنی حدود دو روز و نیم از داده‌های ساعتی، از میان ۲۴۰ گام.' },
      ],
    },
    {
      kind: 'formula',
      tex: String.raw`\text{params}(\mathrm{Conv1D}) = k \cdot d \cdot f + f, \qquad \text{e.g.}\ 5 \cdot 14 \cdot 32 + 32 = 2272`,
      caption: { en: 'The number of weights does not depend on the sequence length.', fa: 'تعداد وزن‌ها به طول دنباله بستگی ندارد.' },
    },
    { kind: 'heading', text: { en: 'Why convolutions are cheaper than RNNs', fa: 'چرا کانولوشن‌ها از RNNها ارزان‌ترند' } },
    {
      kind: 'paragraph',
      text: {
        en: 'A recurrent layer must finish step $t-1$ before it can start step $t$. A convolution has no such chain: all positions are computed at once as one large matrix product, which suits vector units and GPUs. Pooling then shrinks the sequence, so later layers do less work. For the same number of weights a small 1D convnet usually trains several times faster than a GRU on long sequences.',
        fa: 'یک لایهٔ بازگشتی باید گام $t-1$ را تمام کند تا بتواند گام $t$ را شروع کند. کانولوشن چنین زنجیره‌ای ندارد: همهٔ موقعیت‌ها یک‌جا و به‌صورت یک ضرب ماتریسی بزرگ محاسبه می‌شوند که برای پردازنده‌های برداری و GPU مناسب است. سپس ادغام دنباله را کوتاه می‌کند و لایه‌های بعدی کار کمتری انجام می‌دهند. با تعداد وزن برابر، یک شبکهٔ کانولوشنی یک‌بعدی کوچک روی دنباله‌های بلند معمولاً چند برابر سریع‌تر از یک GRU آموزش می‌بیند.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'conv1d-6.47',
      comparison: true,
      title: { en: 'A convnet alone on the climate data (listing 6.47)', fa: 'شبکهٔ کانولوشنی تنها روی داده‌های اقلیمی (فهرست ۶٫۴۷)' },
      steps: [
        { en: 'Open the listing 6.47 preset and follow the time axis under each block: 240 → 236 → 78 → 74 → 24 → 20 → (global pooling).', fa: 'پیش‌تنظیم فهرست ۶٫۴۷ را باز کنید و محور زمان را زیر هر بلوک دنبال کنید: ۲۴۰ ← ۲۳۶ ← ۷۸ ← ۷۴ ← ۲۴ ← ۲۰ ← (ادغام سراسری).' },
        { en: 'Check the total: 12,609 parameters.', fa: 'مجموع را بررسی کنید: ۱۲٬۶۰۹ پارامتر.' },
        { en: 'Train it and compare with the "last value" baseline and with the GRU of lesson 1.', fa: 'آن را آموزش دهید و با خط پایهٔ «آخرین مقدار» و GRU درس ۱ مقایسه کنید.' },
      ],
      observe: [
        { en: 'Epochs are much faster than the GRU\'s.', fa: 'هر دوره بسیار سریع‌تر از GRU است.' },
        { en: 'The validation MAE stays around 0.4, worse than the baseline (about 0.29): after global pooling the model cannot tell recent hours from old ones.', fa: 'MAE اعتبارسنجی حدود ۰٫۴ می‌ماند که از خط پایه (حدود ۰٫۲۹) بدتر است: پس از ادغام سراسری، مدل نمی‌تواند ساعت‌های اخیر را از ساعت‌های قدیمی تشخیص دهد.' },
      ],
    },
  ],
};
