import type { Lesson } from '../types';

export const lesson02: Lesson = {
  id: 'bidirectional',
  number: 2,
  title: { en: 'Bidirectional RNNs', fa: 'شبکه‌های بازگشتی دوسویه' },
  summary: {
    en: 'Reading a sequence in both directions: when it helps, when it is not allowed, and how any recurrent layer is wrapped.',
    fa: 'خواندن دنباله از هر دو سو: کجا کمک می‌کند، کجا مجاز نیست و چگونه هر لایهٔ بازگشتی را می‌توان در آن پیچید.',
  },
  presets: [{ id: 'bidirectional-gru', label: { en: 'Bidirectional GRU', fa: 'GRU دوسویه' } }],
  terms: ['causal', 'non-causal', 'bidirectional', 'hidden-state', 'merge-mode', 'gru', 'lstm', 'simple-rnn', 'parameter', 'timestep', 'overfitting', 'mae'],
  sections: [
    { kind: 'heading', text: { en: 'Causal and non-causal models', fa: 'مدل‌های علّی و غیرعلّی' } },
    {
      kind: 'paragraph',
      text: {
        en: 'A model is causal when its output at step $t$ depends only on inputs up to $t$: $x_1, \\dots, x_t$. An ordinary recurrent layer is causal by construction, because its state $h_t$ has seen nothing after $t$. That is a requirement whenever outputs are needed while the sequence is still arriving: live speech recognition, controlling a machine, flagging a fault as it happens.',
        fa: 'یک مدل وقتی علّی (causal) است که خروجی‌اش در گام $t$ فقط به ورودی‌های تا گام $t$، یعنی $x_1, \\dots, x_t$، وابسته باشد. یک لایهٔ بازگشتی معمولی ذاتاً علّی است، چون حالت $h_t$ آن هیچ چیزی از بعد از $t$ ندیده است. هر جا خروجی باید در حالی آماده شود که دنباله هنوز در حال رسیدن است، این یک الزام است: بازشناسی زندهٔ گفتار، کنترل یک دستگاه، یا اعلام خطا در همان لحظه‌ای که رخ می‌دهد.',
      },
    },
    {
      kind: 'paragraph',
      text: {
        en: 'Many tasks, however, see the whole sequence before they answer: classifying a review, tagging the words of a finished sentence, transcribing a recorded clip. The meaning of a word often depends on what comes after it. A non-causal model may use both sides of every position, and a bidirectional RNN is the simplest way to build one.',
        fa: 'اما در بسیاری از مسئله‌ها کل دنباله پیش از پاسخ دادن در دسترس است: دسته‌بندی یک نقد، برچسب‌زدن واژه‌های یک جملهٔ کامل، یا نوشتن متن یک فایل صوتی ضبط‌شده. معنای یک واژه اغلب به واژه‌های پس از آن بستگی دارد. یک مدل غیرعلّی (non-causal) می‌تواند از هر دو سمتِ هر موقعیت استفاده کند و RNN دوسویه ساده‌ترین راه ساختن چنین مدلی است.',
      },
    },
    { kind: 'heading', text: { en: 'Forward and backward states', fa: 'حالت‌های رو به جلو و رو به عقب' } },
    {
      kind: 'paragraph',
      text: {
        en: 'A bidirectional layer holds two independent copies of a recurrent layer, each with its own weights. The forward copy reads $x_1 \\to x_T$ and produces $\\overrightarrow{h}_t$, a summary of the past up to $t$. The backward copy reads the same sequence reversed, $x_T \\to x_1$, and produces $\\overleftarrow{h}_t$, a summary of the future from $t$. At each step the two are joined, by default concatenated, so the output has $2u$ features.',
        fa: 'یک لایهٔ دوسویه دو نسخهٔ مستقل از یک لایهٔ بازگشتی دارد که هر کدام وزن‌های خودش را دارد. نسخهٔ رو به جلو دنباله را به ترتیب $x_1 \\to x_T$ می‌خواند و $\\overrightarrow{h}_t$ را می‌سازد که خلاصه‌ای از گذشته تا $t$ است. نسخهٔ رو به عقب همان دنباله را وارونه، یعنی $x_T \\to x_1$، می‌خواند و $\\overleftarrow{h}_t$ را می‌سازد که خلاصه‌ای از آینده از $t$ به بعد است. در هر گام این دو به هم پیوند می‌خورند (به‌طور پیش‌فرض کنار هم گذاشته می‌شوند)، پس خروجی $2u$ ویژگی دارد.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`\overrightarrow{h}_t = \mathrm{RNN}_{\rightarrow}\!\left(x_t, \overrightarrow{h}_{t-1}\right), \quad \overleftarrow{h}_t = \mathrm{RNN}_{\leftarrow}\!\left(x_t, \overleftarrow{h}_{t+1}\right), \quad y_t = \left[\overrightarrow{h}_t \,;\, \overleftarrow{h}_t\right]`,
      caption: { en: 'Two recurrences over the same inputs, joined at every step.', fa: 'دو بازگشت روی همان ورودی‌ها که در هر گام به هم پیوند می‌خورند.' },
    },
    { kind: 'diagram', id: 'bidirectional', caption: { en: 'Time runs left to right in both languages; the backward layer reads it from the right end.', fa: 'زمان در هر دو زبان از چپ به راست پیش می‌رود؛ لایهٔ رو به عقب از انتهای راست شروع به خواندن می‌کند.' } },
    {
      kind: 'list',
      items: [
        { en: 'Any recurrent layer can be wrapped: `Bidirectional(SimpleRNN(…))`, `Bidirectional(LSTM(…))` or `Bidirectional(GRU(…))`. The wrapper only runs a second copy on the reversed sequence and merges.', fa: 'هر لایهٔ بازگشتی را می‌توان پیچید: `Bidirectional(SimpleRNN(…))`، `Bidirectional(LSTM(…))` یا `Bidirectional(GRU(…))`. این پوشش فقط یک نسخهٔ دوم را روی دنبالهٔ وارونه اجرا می‌کند و نتیجه‌ها را ادغام می‌کند.' },
        { en: 'The merge mode may be `concat` (default, width $2u$), `sum`, `mul` or `ave` (width $u$).', fa: 'شیوهٔ ادغام (merge mode) می‌تواند `concat` (پیش‌فرض، با پهنای $2u$)، `sum`، `mul` یا `ave` (با پهنای $u$) باشد.' },
        { en: 'The parameter count doubles: a bidirectional GRU has $2 \\cdot 3(du + u^2 + u)$ parameters.', fa: 'تعداد پارامترها دو برابر می‌شود: یک GRU دوسویه $2 \\cdot 3(du + u^2 + u)$ پارامتر دارد.' },
        { en: 'With `return_sequences=False` the forward half returns its state after $x_T$ and the backward half its state after $x_1$: each has read the entire sequence.', fa: 'با `return_sequences=False` نیمهٔ رو به جلو حالتش را پس از $x_T$ و نیمهٔ رو به عقب حالتش را پس از $x_1$ برمی‌گرداند: هر کدام کل دنباله را خوانده است.' },
      ],
    },
    {
      kind: 'callout',
      tone: 'warning',
      title: { en: 'Non-causal does not mean "sees the target"', fa: 'غیرعلّی یعنی «دیدن هدف» نیست' },
      text: {
        en: 'In the climate task the whole 10-day window lies in the past of the temperature we predict, so a bidirectional layer over the window leaks nothing. It is non-causal only inside the window. It becomes a mistake when a prediction is needed at every step of a stream, because the backward half would need inputs that have not arrived yet.',
        fa: 'در مسئلهٔ اقلیمی کل پنجرهٔ ۱۰ روزه در گذشتهٔ دمایی است که پیش‌بینی می‌کنیم، پس یک لایهٔ دوسویه روی این پنجره هیچ اطلاعاتی از آینده نشت نمی‌دهد. این لایه فقط درون پنجره غیرعلّی است. اشکال وقتی پیش می‌آید که در هر گامِ یک جریان داده به پیش‌بینی نیاز داریم، چون نیمهٔ رو به عقب به ورودی‌هایی نیاز دارد که هنوز نرسیده‌اند.',
      },
    },
    { kind: 'heading', text: { en: 'When it helps', fa: 'کجا کمک می‌کند' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Order carries different information in different data. In text, reading backwards works almost as well as reading forwards, and combining the two directions usually helps a little. In weather forecasting the recent past matters most: a GRU that reads the window backwards meets the most useful hours first and must carry them through the whole sequence, and in "Deep Learning with Python" it does worse than even the common-sense baseline. The bidirectional GRU there ends up about as good as the forward GRU alone, while costing twice as much.',
        fa: 'ترتیب در داده‌های مختلف اطلاعات متفاوتی دارد. در متن، خواندن از آخر به اول تقریباً به خوبی خواندن از اول به آخر کار می‌کند و ترکیب دو جهت معمولاً کمی بهبود می‌دهد. در پیش‌بینی هوا گذشتهٔ نزدیک از همه مهم‌تر است: GRU که پنجره را وارونه می‌خواند، مفیدترین ساعت‌ها را اول می‌بیند و باید آن‌ها را تا پایان دنباله با خود ببرد؛ در کتاب «یادگیری عمیق با پایتون» (Deep Learning with Python) چنین مدلی حتی از خط پایهٔ عقل سلیم هم بدتر است. GRU دوسویه در آنجا تقریباً به خوبی GRU رو به جلوی تنها می‌شود، با دو برابر هزینه.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'bidirectional-gru',
      comparison: true,
      title: { en: 'Does the second direction pay for itself?', fa: 'آیا جهت دوم ارزش هزینه‌اش را دارد؟' },
      steps: [
        { en: 'Open the bidirectional GRU preset and look at the output shape of the `Bidirectional` block: it is twice the GRU\'s units.', fa: 'پیش‌تنظیم GRU دوسویه را باز کنید و به شکل خروجی بلوک `Bidirectional` نگاه کنید: دو برابر تعداد واحدهای GRU است.' },
        { en: 'Change the wrapped layer from GRU to LSTM and to SimpleRNN, and watch the parameter count.', fa: 'لایهٔ درون پوشش را از GRU به LSTM و SimpleRNN تغییر دهید و تعداد پارامترها را دنبال کنید.' },
        { en: 'Train it on the climate data and compare the run with the plain GRU run from lesson 1, epoch time included.', fa: 'آن را روی داده‌های اقلیمی آموزش دهید و اجرایش را با اجرای GRU ساده از درس ۱ مقایسه کنید، زمان هر دوره را هم در نظر بگیرید.' },
      ],
      observe: [
        { en: 'Parameters and time per epoch roughly double.', fa: 'پارامترها و زمان هر دوره تقریباً دو برابر می‌شوند.' },
        { en: 'The validation MAE is close to the forward GRU\'s, not clearly better: on this data the backward reading adds little.', fa: 'MAE اعتبارسنجی نزدیک به GRU رو به جلو است و به‌وضوح بهتر نیست: در این داده خواندن وارونه چیز زیادی اضافه نمی‌کند.' },
      ],
    },
  ],
};
