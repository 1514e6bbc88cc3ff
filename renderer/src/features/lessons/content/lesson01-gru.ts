import type { Lesson } from '../types';

/** The four GRU equations in the lesson's form (candidate, new state, update gate, reset gate). */
export const GRU_EQUATIONS = {
  candidate: String.raw`\tilde{h}_t = \tanh\!\left(W_h x_t + U_h\,(r_t \odot h_{t-1}) + b_h\right)`,
  state: String.raw`h_t = u_t \odot \tilde{h}_t + (1 - u_t) \odot h_{t-1}`,
  update: String.raw`u_t = \sigma\!\left(W_u x_t + U_u h_{t-1} + b_u\right)`,
  reset: String.raw`r_t = \sigma\!\left(W_r x_t + U_r h_{t-1} + b_r\right)`,
} as const;

export const lesson01: Lesson = {
  id: 'gru',
  number: 1,
  title: { en: 'From the simple RNN to the GRU', fa: 'از شبکهٔ بازگشتی ساده تا GRU' },
  summary: {
    en: 'Why a plain recurrent layer forgets, and how the two gates of a GRU decide what to keep and what to rewrite.',
    fa: 'چرا یک لایهٔ بازگشتی ساده فراموش می‌کند و دو دروازهٔ GRU چگونه تصمیم می‌گیرند چه چیزی بماند و چه چیزی بازنویسی شود.',
  },
  presets: [{ id: 'gru', label: { en: 'GRU on the climate data', fa: 'GRU روی داده‌های اقلیمی' } }],
  terms: ['sequence', 'timestep', 'rnn', 'hidden-state', 'unrolling', 'vanishing-gradient', 'lstm', 'gru', 'gate', 'update-gate', 'reset-gate', 'candidate-state', 'hadamard', 'sigmoid', 'hard-sigmoid', 'tanh', 'parameter', 'epoch', 'validation', 'normalization', 'baseline', 'mae'],
  sections: [
    { kind: 'heading', text: { en: 'A quick recap: the recurrent layer', fa: 'یادآوری کوتاه: لایهٔ بازگشتی' } },
    {
      kind: 'paragraph',
      text: {
        en: 'A sequence is read one timestep at a time. A recurrent layer carries a vector $h_t$, its hidden state, from one step to the next: at step $t$ it combines the new input $x_t$ with what it remembers, $h_{t-1}$, and writes a new state. The same weights are used at every step, so the layer can read sequences of any length with a fixed number of parameters.',
        fa: 'یک دنباله (sequence) گام‌به‌گام خوانده می‌شود. لایهٔ بازگشتی برداری به نام حالت پنهان (hidden state)، یعنی $h_t$، را از هر گام به گام بعد می‌برد: در گام $t$ ورودی تازهٔ $x_t$ را با آنچه از قبل به یاد دارد، یعنی $h_{t-1}$، ترکیب می‌کند و حالت تازه‌ای می‌نویسد. وزن‌ها در همهٔ گام‌ها یکی‌اند؛ برای همین لایه می‌تواند دنباله‌هایی با هر طولی را با تعداد ثابتی پارامتر بخواند.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`h_t = \tanh\!\left(W x_t + U h_{t-1} + b\right)`,
      caption: { en: 'The simple recurrent layer (Keras `SimpleRNN`).', fa: 'لایهٔ بازگشتی ساده (`SimpleRNN` در Keras).' },
    },
    { kind: 'diagram', id: 'rnn-unrolled', caption: { en: 'The same cell unrolled over time: time runs left to right.', fa: 'یک سلول واحد که در زمان باز شده است؛ زمان از چپ به راست پیش می‌رود.' } },
    {
      kind: 'paragraph',
      text: {
        en: 'To train it, we unroll the loop over the window and backpropagate through every step. The gradient that reaches an early step has been multiplied by the recurrent matrix and by the derivative of tanh once per step in between. Over tens or hundreds of steps this product usually shrinks towards zero (the vanishing gradient) or, less often, explodes. In practice a SimpleRNN learns short dependencies well and long ones hardly at all.',
        fa: 'برای آموزش، حلقه را روی پنجره باز می‌کنیم (unrolling) و گرادیان را از میان همهٔ گام‌ها به عقب می‌فرستیم. گرادیانی که به گام‌های آغازین می‌رسد، به ازای هر گام میانی یک بار در ماتریس بازگشتی و در مشتق tanh ضرب شده است. در ده‌ها یا صدها گام، این حاصل‌ضرب معمولاً به صفر میل می‌کند (محوشدن گرادیان، vanishing gradient) یا، کمتر، منفجر می‌شود. در عمل SimpleRNN وابستگی‌های کوتاه را خوب یاد می‌گیرد و وابستگی‌های بلند را تقریباً هیچ.',
      },
    },
    {
      kind: 'paragraph',
      text: {
        en: 'The LSTM (1997) answered this with a separate memory cell and three gates. The GRU (Cho et al., 2014) keeps the idea and simplifies it: no separate cell, only two gates. With input width $d$ and $u$ units a GRU has $3(du + u^2 + u)$ parameters against the LSTM\'s $4(du + u^2 + u)$, it is a little cheaper per step, and on many tasks it learns about as well.',
        fa: 'LSTM (سال ۱۹۹۷) با یک سلول حافظهٔ جداگانه و سه دروازه به این مشکل پاسخ داد. GRU (چو و همکاران، ۲۰۱۴) همان ایده را نگه می‌دارد و ساده‌اش می‌کند: سلول جداگانه ندارد و فقط دو دروازه دارد. با پهنای ورودی $d$ و $u$ واحد، GRU تعداد $3(du + u^2 + u)$ پارامتر دارد در برابر $4(du + u^2 + u)$ در LSTM؛ هر گامش کمی ارزان‌تر است و در بسیاری از مسئله‌ها تقریباً به همان خوبی یاد می‌گیرد.',
      },
    },
    { kind: 'heading', text: { en: 'The four GRU equations', fa: 'چهار معادلهٔ GRU' } },
    {
      kind: 'paragraph',
      text: {
        en: 'First the candidate state: what the layer would write if it started afresh from the current input. The reset gate $r_t$ decides how much of the old state may take part in that proposal.',
        fa: 'نخست حالت کاندید (candidate state): چیزی که لایه اگر از نو و فقط بر پایهٔ ورودی فعلی شروع می‌کرد، می‌نوشت. دروازهٔ بازنشانی $r_t$ تعیین می‌کند حالت قبلی تا چه اندازه در این پیشنهاد سهم داشته باشد.',
      },
    },
    { kind: 'formula', tex: GRU_EQUATIONS.candidate, caption: { en: 'Candidate state.', fa: 'حالت کاندید.' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Then the new state: a unit-by-unit blend of the candidate and the old state. The update gate $u_t$ is the mixing weight. Where $u_t$ is near 1 the unit takes the new candidate; where it is near 0 the unit copies its old value unchanged.',
        fa: 'سپس حالت تازه: آمیزه‌ای واحدبه‌واحد از حالت کاندید و حالت قبلی. دروازهٔ به‌روزرسانی $u_t$ وزن این آمیختن است. هر جا $u_t$ نزدیک ۱ باشد، آن واحد کاندید تازه را برمی‌دارد و هر جا نزدیک ۰ باشد، مقدار قبلی‌اش را بی‌تغییر نگه می‌دارد.',
      },
    },
    { kind: 'formula', tex: GRU_EQUATIONS.state, caption: { en: 'New state.', fa: 'حالت تازه.' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Both gates are small layers of their own, computed from the same two sources as everything else, $x_t$ and $h_{t-1}$, and squashed into $[0, 1]$ by the recurrent activation $\\sigma$. $\\odot$ is the element-wise (Hadamard) product: each unit has its own gate value.',
        fa: 'هر دو دروازه خودشان لایه‌هایی کوچک‌اند که از همان دو منبع، یعنی $x_t$ و $h_{t-1}$، محاسبه می‌شوند و تابع فعال‌سازی بازگشتی $\\sigma$ آن‌ها را به بازهٔ $[0, 1]$ می‌فشرد. $\\odot$ ضرب درایه‌به‌درایه (Hadamard) است: هر واحد مقدار دروازهٔ خودش را دارد.',
      },
    },
    { kind: 'formula', tex: GRU_EQUATIONS.update, caption: { en: 'Update gate.', fa: 'دروازهٔ به‌روزرسانی.' } },
    { kind: 'formula', tex: GRU_EQUATIONS.reset, caption: { en: 'Reset gate.', fa: 'دروازهٔ بازنشانی.' } },
    { kind: 'diagram', id: 'gru-cell', caption: { en: 'Inside a GRU cell. The state line runs left to right, from $h_{t-1}$ to $h_t$.', fa: 'درون یک سلول GRU. خط حالت از چپ به راست، از $h_{t-1}$ تا $h_t$، کشیده شده است.' } },
    { kind: 'heading', text: { en: 'What each gate does', fa: 'هر دروازه چه می‌کند' } },
    {
      kind: 'list',
      items: [
        {
          en: 'Update gate $u$: how much of each unit is rewritten at this step. A unit whose $u$ stays near 0 for many steps is a long-term memory: the identity path $h_t \\approx h_{t-1}$ also lets the gradient flow back almost unchanged, which is exactly what the simple RNN lacked.',
          fa: 'دروازهٔ به‌روزرسانی $u$: هر واحد در این گام چقدر بازنویسی شود. واحدی که $u$ آن در گام‌های زیادی نزدیک ۰ بماند، یک حافظهٔ بلندمدت است: مسیر همانی $h_t \\approx h_{t-1}$ به گرادیان هم اجازه می‌دهد تقریباً بی‌تغییر به عقب برگردد؛ همان چیزی که شبکهٔ بازگشتی ساده نداشت.',
        },
        {
          en: 'Reset gate $r$: how much of the past may shape the candidate. With $r$ near 0 the candidate depends on $x_t$ alone, so the unit can start a new "chapter" when the input changes regime (a weather front arrives, a sentence ends).',
          fa: 'دروازهٔ بازنشانی $r$: گذشته تا چه اندازه در ساختن کاندید اثر بگذارد. وقتی $r$ نزدیک ۰ باشد، کاندید فقط به $x_t$ وابسته است؛ بنابراین واحد می‌تواند هنگام تغییر رفتار ورودی (رسیدن یک جبههٔ هوا، پایان یک جمله) «فصل تازه‌ای» را آغاز کند.',
        },
        {
          en: 'Candidate $\\tilde h$: the proposal, in $[-1, 1]$ through tanh. It is only a proposal: it reaches the state in proportion to $u$.',
          fa: 'کاندید $\\tilde h$: پیشنهاد لایه که با tanh در بازهٔ $[-1, 1]$ قرار می‌گیرد. این فقط پیشنهاد است و به نسبت $u$ به حالت راه پیدا می‌کند.',
        },
      ],
    },
    { kind: 'heading', text: { en: 'How this maps to Keras and tfjs', fa: 'نگاشت این معادله‌ها به Keras و tfjs' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Keras and TensorFlow.js store the gate from the other side. They keep $z_t$ and write $h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$, so $z_t$ is the "keep" gate and our update gate is $u_t = 1 - z_t$. Because $\\sigma(-a) = 1 - \\sigma(a)$ holds for both the logistic sigmoid and the hard sigmoid, this is the same model: our $W_u, U_u, b_u$ are simply the negatives of Keras\'s $z$ weights.',
        fa: 'Keras و TensorFlow.js این دروازه را از سمت دیگرش نگه می‌دارند. آن‌ها $z_t$ را ذخیره می‌کنند و می‌نویسند $h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$؛ پس $z_t$ دروازهٔ «نگه‌داشتن» است و دروازهٔ به‌روزرسانی ما $u_t = 1 - z_t$ است. چون رابطهٔ $\\sigma(-a) = 1 - \\sigma(a)$ هم برای سیگموید لجستیک و هم برای سیگموید سخت برقرار است، این همان مدل است: وزن‌های $W_u, U_u, b_u$ ما همان وزن‌های $z$ در Keras با علامت منفی‌اند.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`u_t = 1 - z_t, \qquad h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde{h}_t = u_t \odot \tilde{h}_t + (1-u_t) \odot h_{t-1}`,
      caption: { en: 'The lesson\'s form and the Keras/tfjs form give the same $h_t$.', fa: 'شکل درس و شکل Keras/tfjs همان $h_t$ را می‌دهند.' },
    },
    {
      kind: 'list',
      items: [
        {
          en: 'Stored weights: `kernel` has shape $[d, 3u]$, `recurrent_kernel` $[u, 3u]$, `bias` $[3u]$, with columns in the order $[z, r, h]$. Keras multiplies row vectors, $x_t W$, so our $W_r$ is the transpose of the middle block of `kernel`.',
          fa: 'وزن‌های ذخیره‌شده: `kernel` با شکل $[d, 3u]$، `recurrent_kernel` با شکل $[u, 3u]$ و `bias` با شکل $[3u]$؛ ستون‌ها به ترتیب $[z, r, h]$ هستند. Keras بردار سطری را ضرب می‌کند ($x_t W$)، پس $W_r$ ما ترانهادهٔ بلوک میانی `kernel` است.',
        },
        {
          en: 'The lesson applies the reset gate before the recurrent matrix, $U_h (r_t \\odot h_{t-1})$: Keras\'s `reset_after=False`, the builder\'s default and TensorFlow.js\'s own form. TF2-Keras defaults to `reset_after=True`, which is also `torch.nn.GRU`: the reset gate multiplies the recurrent product after the matrix, and that product has a bias of its own, $b\'$, so `bias` has shape $[2, 3u]$ (the input row, then the recurrent row) and the layer $3u$ more parameters. SeqLab trains and runs both forms (the engine builds the second one itself, as tfjs cannot): switch `reset_after` on in the builder for the equations below, and every export writes the form you chose.',
          fa: 'درس دروازهٔ بازنشانی را پیش از ماتریس بازگشتی اعمال می‌کند، $U_h (r_t \\odot h_{t-1})$؛ این همان `reset_after=False` در Keras است، پیش‌فرض سازندهٔ مدل و شکلی که خود TensorFlow.js می‌شناسد. پیش‌فرض TF2-Keras اما `reset_after=True` است که شکل `torch.nn.GRU` هم هست: دروازهٔ بازنشانی پس از ضرب ماتریس روی حاصلِ ضرب بازگشتی اثر می‌گذارد و این حاصل‌ضرب بایاس خودش، $b\'$، را دارد؛ از همین رو `bias` شکل $[2, 3u]$ دارد (اول سطر ورودی، بعد سطر بازگشتی) و لایه $3u$ پارامتر بیشتر. SeqLab هر دو شکل را آموزش می‌دهد و اجرا می‌کند (شکل دوم را موتور خودش می‌سازد، چون tfjs نمی‌تواند): برای معادله‌های زیر `reset_after` را در سازندهٔ مدل روشن کنید؛ هر خروجی هم همان شکلی را می‌نویسد که برگزیده‌اید.',
        },
        {
          en: 'The recurrent activation $\\sigma$ is `hard_sigmoid` by default in tfjs and Keras 2: $\\mathrm{clip}(0.2a + 0.5, 0, 1)$, a piecewise-linear sigmoid that reaches exactly 0 and 1. TF2-Keras and PyTorch use the logistic sigmoid. A model is only reproduced exactly with the same choice.',
          fa: 'تابع فعال‌سازی بازگشتی $\\sigma$ در tfjs و Keras ۲ به‌طور پیش‌فرض `hard_sigmoid` است: $\\mathrm{clip}(0.2a + 0.5, 0, 1)$، سیگمویدی تکه‌تکه خطی که دقیقاً به ۰ و ۱ می‌رسد. TF2-Keras و PyTorch سیگموید لجستیک را به کار می‌برند. یک مدل فقط با همان انتخاب دقیقاً بازتولید می‌شود.',
        },
      ],
    },
    {
      kind: 'formula',
      tex: String.raw`z_t = \sigma(x_t W_z + b_z + h_{t-1} U_z + b'_z), \quad r_t = \sigma(x_t W_r + b_r + h_{t-1} U_r + b'_r), \quad \tilde{h}_t = \tanh\big(x_t W_h + b_h + r_t \odot (h_{t-1} U_h + b'_h)\big)`,
      caption: { en: '`reset_after=True` (TF2-Keras\'s default, `torch.nn.GRU`): the reset gate acts after the recurrent matrix, and $b\'$ is the second bias row; $h_t$ is blended as above.', fa: '`reset_after=True` (پیش‌فرض TF2-Keras و شکل `torch.nn.GRU`): دروازهٔ بازنشانی پس از ماتریس بازگشتی اثر می‌گذارد و $b\'$ سطر دوم بایاس است؛ $h_t$ مثل بالا ترکیب می‌شود.' },
    },
    { kind: 'heading', text: { en: 'Gate explorer', fa: 'کاوشگر دروازه‌ها' } },
    {
      kind: 'gate-explorer',
      caption: {
        en: 'Step through one input window. Each column is a timestep, each row a unit; the values are computed from the layer\'s weights with the four equations above (checked against the tfjs layer to $10^{-5}$).',
        fa: 'یک پنجرهٔ ورودی را گام‌به‌گام دنبال کنید. هر ستون یک گام زمانی و هر سطر یک واحد است؛ مقدارها از وزن‌های خود لایه و با همان چهار معادلهٔ بالا محاسبه شده‌اند (و با خروجی لایهٔ tfjs تا دقت $10^{-5}$ مقایسه شده‌اند).',
      },
    },
    {
      kind: 'callout',
      tone: 'info',
      title: { en: 'What to look for', fa: 'به چه چیزی دقت کنید' },
      text: {
        en: 'Find a unit whose update gate stays dark (near 0) across many steps: its state row in $h$ barely changes, it is holding information. Then find a step where the reset gate of some unit drops: its candidate suddenly follows the input and ignores the past.',
        fa: 'واحدی را پیدا کنید که دروازهٔ به‌روزرسانی‌اش در گام‌های زیادی کم‌رنگ (نزدیک ۰) می‌ماند: سطر حالت آن در $h$ تقریباً تغییر نمی‌کند و اطلاعاتی را نگه داشته است. سپس گامی را پیدا کنید که دروازهٔ بازنشانی واحدی پایین می‌افتد: کاندید آن ناگهان از ورودی پیروی می‌کند و گذشته را نادیده می‌گیرد.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'gru',
      comparison: true,
      title: { en: 'GRU against the common-sense baseline', fa: 'GRU در برابر خط پایهٔ عقل سلیم' },
      steps: [
        { en: 'Open the GRU preset: one `GRU(32)` layer and a `Dense(1)` on the Jena climate windows (10 days of hourly points, predicting the temperature 24 hours later).', fa: 'پیش‌تنظیم GRU را باز کنید: یک لایهٔ `GRU(32)` و یک `Dense(1)` روی پنجره‌های داده‌های اقلیمی ینا (۱۰ روز داده با یک نقطه در هر ساعت، برای پیش‌بینی دمای ۲۴ ساعت بعد).' },
        { en: 'Check the parameter count in the inspector against $3(du + u^2 + u)$ with $d = 14$, $u = 32$.', fa: 'تعداد پارامترها را در بازرس با $3(du + u^2 + u)$ به ازای $d = 14$ و $u = 32$ مقایسه کنید.' },
        { en: 'Train for a few epochs and add the "last value" baseline to the comparison.', fa: 'چند دوره (epoch) آموزش دهید و خط پایهٔ «آخرین مقدار» را به مقایسه اضافه کنید.' },
        { en: 'Open this lesson\'s gate explorer on the trained model.', fa: 'کاوشگر دروازه‌های همین درس را روی مدل آموزش‌دیده باز کنید.' },
      ],
      observe: [
        { en: 'The count is $3(14 \\cdot 32 + 32^2 + 32) = 4512$ for the GRU, plus 33 for the dense layer.', fa: 'این تعداد برای GRU برابر $3(14 \\cdot 32 + 32^2 + 32) = 4512$ است، به‌اضافهٔ ۳۳ برای لایهٔ چگال.' },
        { en: 'The validation MAE falls below the baseline (about 0.29 in normalised units, about 2.57 °C); the book reports about 0.26–0.27 for recurrent models. Without dropout it soon starts to overfit.', fa: 'MAE اعتبارسنجی از خط پایه (حدود ۰٫۲۹ در واحد نرمال‌شده، یعنی حدود ۲٫۵۷ درجهٔ سلسیوس) پایین‌تر می‌رود؛ کتاب برای مدل‌های بازگشتی حدود ۰٫۲۶ تا ۰٫۲۷ گزارش می‌کند. بدون dropout مدل زود بیش‌برازش می‌کند.' },
        { en: 'After training, gate patterns are no longer uniform noise: some units keep long memories, others follow the latest hours.', fa: 'پس از آموزش، الگوی دروازه‌ها دیگر نویز یکنواخت نیست: برخی واحدها حافظهٔ بلند نگه می‌دارند و برخی دیگر ساعت‌های آخر را دنبال می‌کنند.' },
      ],
    },
  ],
};
