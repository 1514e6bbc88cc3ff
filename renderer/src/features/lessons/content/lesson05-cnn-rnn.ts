import type { Lesson } from '../types';

export const lesson05: Lesson = {
  id: 'cnn-rnn',
  number: 5,
  title: { en: 'Combining CNNs and RNNs for long sequences', fa: 'ترکیب CNN و RNN برای دنباله‌های بلند' },
  summary: {
    en: 'A Conv1D front end shortens the sequence and extracts local features; a GRU on top keeps the order. Listings 6.47 and 6.49 side by side.',
    fa: 'یک بخش آغازین Conv1D دنباله را کوتاه می‌کند و ویژگی‌های محلی را بیرون می‌کشد؛ یک GRU روی آن ترتیب را حفظ می‌کند. فهرست‌های ۶٫۴۷ و ۶٫۴۹ کنار هم.',
  },
  presets: [
    { id: 'conv1d-gru-6.49', label: { en: 'Conv1D + GRU (listing 6.49)', fa: 'Conv1D و GRU (فهرست ۶٫۴۹)' } },
    { id: 'conv1d-6.47', label: { en: '1D convnet alone (listing 6.47)', fa: 'شبکهٔ کانولوشنی تنها (فهرست ۶٫۴۷)' } },
  ],
  terms: ['convolution', 'pooling', 'global-pooling', 'receptive-field', 'gru', 'timestep', 'lookback', 'dropout', 'baseline', 'mae', 'parameter'],
  sections: [
    {
      kind: 'paragraph',
      text: {
        en: 'The two previous lessons left us with two tools and two complaints. A GRU is sensitive to order, which a forecast needs, but it walks through the sequence one step at a time, so long windows are slow and far-away steps are hard to learn from. A 1D convnet is fast and finds local patterns anywhere, but once it pools over time it forgets when they happened. The combination takes the best of each.',
        fa: 'دو درس پیش دو ابزار و دو گلایه برای ما گذاشتند. GRU به ترتیب حساس است، که پیش‌بینی به آن نیاز دارد، اما دنباله را گام‌به‌گام طی می‌کند؛ پس پنجره‌های بلند کُندند و یادگیری از گام‌های دور دشوار است. یک شبکهٔ کانولوشنی یک‌بعدی سریع است و الگوهای محلی را هر جا باشند پیدا می‌کند، اما وقتی روی زمان ادغام کند، زمان رخ دادن آن‌ها را فراموش می‌کند. ترکیب این دو بهترینِ هر کدام را برمی‌دارد.',
      },
    },
    { kind: 'heading', text: { en: 'Why a Conv1D front before a GRU', fa: 'چرا یک Conv1D پیش از GRU' } },
    {
      kind: 'list',
      items: [
        { en: 'The convolutions and poolings shorten the sequence: the GRU runs over far fewer steps, so every epoch is cheaper and the gradient crosses fewer transitions.', fa: 'کانولوشن‌ها و ادغام‌ها دنباله را کوتاه می‌کنند: GRU روی گام‌های بسیار کمتری اجرا می‌شود، پس هر دوره ارزان‌تر است و گرادیان از گذارهای کمتری عبور می‌کند.' },
        { en: 'Each step the GRU sees is no longer a raw reading but a summary of several neighbouring readings (local features: rises, falls, daily shapes).', fa: 'هر گامی که GRU می‌بیند دیگر یک خوانش خام نیست، بلکه خلاصه‌ای از چند خوانش همسایه است (ویژگی‌های محلی: افزایش‌ها، کاهش‌ها، شکل‌های روزانه).' },
        { en: 'There is no global pooling: the time axis survives until the GRU, which reads it in order and can weigh recent features more.', fa: 'ادغام سراسری در کار نیست: محور زمان تا رسیدن به GRU باقی می‌ماند و GRU آن را به ترتیب می‌خواند و می‌تواند به ویژگی‌های اخیر وزن بیشتری بدهد.' },
        { en: 'Because the front end is cheap, we can afford a finer input: listing 6.49 uses `step = 3` (one point every 30 minutes) instead of `step = 6`, so the same lookback carries twice as many timesteps.', fa: 'چون بخش آغازین ارزان است، می‌توانیم ورودی ریزتری بدهیم: فهرست ۶٫۴۹ به جای `step = 6` از `step = 3` استفاده می‌کند (یک نقطه در هر ۳۰ دقیقه)، پس همان پنجرهٔ نگاه به گذشته دو برابر گام زمانی دارد.' },
      ],
    },
    { kind: 'diagram', id: 'conv-gru', caption: { en: 'The Conv1D front shortens the sequence; the GRU reads what is left, in order. Time runs left to right.', fa: 'بخش آغازین Conv1D دنباله را کوتاه می‌کند و GRU باقی‌مانده را به ترتیب می‌خواند. زمان از چپ به راست است.' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Follow the shapes for a 10-day window at `step = 3`: 480 steps of 14 features, `Conv1D(32, 5)` gives 476, `MaxPooling1D(3)` gives 158, the second `Conv1D(32, 5)` gives 154, and the GRU reads those 154 steps of 32 features. Without the front end the GRU would walk through all 480.',
        fa: 'شکل‌ها را برای یک پنجرهٔ ۱۰ روزه با `step = 3` دنبال کنید: ۴۸۰ گام با ۱۴ ویژگی؛ `Conv1D(32, 5)` آن را به ۴۷۶ می‌رساند، `MaxPooling1D(3)` به ۱۵۸ و `Conv1D(32, 5)` دوم به ۱۵۴؛ سپس GRU همین ۱۵۴ گام با ۳۲ ویژگی را می‌خواند. بدون بخش آغازین، GRU باید هر ۴۸۰ گام را طی می‌کرد.',
      },
    },
    { kind: 'heading', text: { en: 'The two listings', fa: 'دو فهرست' } },
    {
      kind: 'list',
      items: [
        { en: 'Listing 6.47, 1D convnet alone: `Conv1D(32, 5)`, `MaxPooling1D(3)`, `Conv1D(32, 5)`, `MaxPooling1D(3)`, `Conv1D(32, 5)`, `GlobalMaxPooling1D()`, `Dense(1)`: 12,609 parameters.', fa: 'فهرست ۶٫۴۷، شبکهٔ کانولوشنی تنها: `Conv1D(32, 5)`، `MaxPooling1D(3)`، `Conv1D(32, 5)`، `MaxPooling1D(3)`، `Conv1D(32, 5)`، `GlobalMaxPooling1D()`، `Dense(1)`؛ در مجموع ۱۲٬۶۰۹ پارامتر.' },
        { en: 'Listing 6.49, Conv1D + GRU: `Conv1D(32, 5)`, `MaxPooling1D(3)`, `Conv1D(32, 5)`, `GRU(32, dropout=0.1, recurrent_dropout=0.5)`, `Dense(1)`: 13,697 parameters with `reset_after=False`.', fa: 'فهرست ۶٫۴۹، Conv1D و GRU: `Conv1D(32, 5)`، `MaxPooling1D(3)`، `Conv1D(32, 5)`، `GRU(32, dropout=0.1, recurrent_dropout=0.5)`، `Dense(1)`؛ در مجموع ۱۳٬۶۹۷ پارامتر با `reset_after=False`.' },
      ],
    },
    {
      kind: 'formula',
      tex: String.raw`\underbrace{2272}_{\text{Conv1D}} + \underbrace{5152}_{\text{Conv1D}} + \underbrace{3\,(32\cdot 32 + 32\cdot 32 + 32)}_{\text{GRU} \,=\, 6240} + \underbrace{33}_{\text{Dense}} = 13697`,
      caption: { en: 'Where the 13,697 parameters of listing 6.49 come from.', fa: '۱۳٬۶۹۷ پارامتر فهرست ۶٫۴۹ از کجا می‌آیند.' },
    },
    { kind: 'heading', text: { en: 'Results and speed reported in the book', fa: 'نتیجه‌ها و سرعت گزارش‌شده در کتاب' } },
    {
      kind: 'paragraph',
      text: {
        en: 'On the Jena temperature task "Deep Learning with Python" reports, approximately: the common-sense baseline (the temperature 24 hours from now equals the last one measured) reaches a validation MAE of about 0.29 in normalised units, about 2.57 °C. The recurrent models land around 0.26–0.27 (about 2.3–2.4 °C). Listing 6.47 alone stays around 0.4, worse than the baseline. Listing 6.49 is a little worse than the regularised GRU but much faster, while reading data at twice the resolution.',
        fa: 'کتاب «یادگیری عمیق با پایتون» برای مسئلهٔ دمای ینا تقریباً این‌ها را گزارش می‌کند: خط پایهٔ عقل سلیم (دمای ۲۴ ساعت بعد برابر آخرین دمای اندازه‌گیری‌شده است) به MAE اعتبارسنجی حدود ۰٫۲۹ در واحد نرمال‌شده، یعنی حدود ۲٫۵۷ درجهٔ سلسیوس، می‌رسد. مدل‌های بازگشتی حدود ۰٫۲۶ تا ۰٫۲۷ (حدود ۲٫۳ تا ۲٫۴ درجه) به دست می‌آورند. فهرست ۶٫۴۷ به‌تنهایی حدود ۰٫۴ می‌ماند که از خط پایه بدتر است. فهرست ۶٫۴۹ کمی از GRU منظم‌شده بدتر اما بسیار سریع‌تر است، در حالی که داده را با دو برابر وضوح می‌خواند.',
      },
    },
    {
      kind: 'callout',
      tone: 'info',
      title: { en: 'Speed depends on the backend', fa: 'سرعت به پشتیبان محاسباتی بستگی دارد' },
      text: {
        en: 'How much faster 6.49 is depends on where it runs: a native or GPU backend runs the convolutions in one go, while the pure JavaScript backend pays for every small operation. Compare seconds per epoch in the run panel on your own machine; the backend in use is shown in the status bar.',
        fa: 'اینکه ۶٫۴۹ چقدر سریع‌تر است به جایی بستگی دارد که اجرا می‌شود: پشتیبان بومی یا GPU کانولوشن‌ها را یک‌جا اجرا می‌کند، در حالی که پشتیبان جاوااسکریپت خالص بهای تک‌تک عملیات کوچک را می‌پردازد. ثانیه‌های هر دوره را در پنل اجرا روی رایانهٔ خودتان مقایسه کنید؛ پشتیبان در حال استفاده در نوار وضعیت نشان داده می‌شود.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'conv1d-gru-6.49',
      comparison: true,
      title: { en: 'Listing 6.47 against listing 6.49', fa: 'فهرست ۶٫۴۷ در برابر فهرست ۶٫۴۹' },
      steps: [
        { en: 'Open listing 6.47 and train it for the same number of epochs as your GRU run from lesson 1.', fa: 'فهرست ۶٫۴۷ را باز کنید و به همان تعداد دوره‌ای که GRU درس ۱ را آموزش دادید، آموزش دهید.' },
        { en: 'Open listing 6.49 (note `step = 3` in its dataset settings) and train it the same way.', fa: 'فهرست ۶٫۴۹ را باز کنید (به `step = 3` در تنظیمات داده‌اش دقت کنید) و همان‌طور آموزش دهید.' },
        { en: 'In the comparison view put both runs, the GRU run and the "last value" baseline on one chart; read the best validation MAE and the seconds per epoch of each.', fa: 'در نمای مقایسه هر دو اجرا، اجرای GRU و خط پایهٔ «آخرین مقدار» را روی یک نمودار بگذارید؛ بهترین MAE اعتبارسنجی و ثانیه‌های هر دوره را برای هر کدام بخوانید.' },
      ],
      observe: [
        { en: '6.47 is the fastest and the least accurate, above the baseline line.', fa: '۶٫۴۷ سریع‌ترین و کم‌دقت‌ترین است و بالای خط پایه می‌ماند.' },
        { en: '6.49 gets close to the GRU, below the baseline, in noticeably less time per epoch than a GRU would need for the same high-resolution input.', fa: '۶٫۴۹ به GRU نزدیک می‌شود و زیر خط پایه قرار می‌گیرد، با زمانی برای هر دوره که به‌وضوح کمتر از زمان لازم برای یک GRU روی همین ورودی پُروضوح است.' },
      ],
    },
  ],
};
