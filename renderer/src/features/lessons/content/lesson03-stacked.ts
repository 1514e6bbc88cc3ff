import type { Lesson } from '../types';

export const lesson03: Lesson = {
  id: 'stacked',
  number: 3,
  title: { en: 'Deep (stacked) RNNs', fa: 'شبکه‌های بازگشتی عمیق (پشته‌ای)' },
  summary: {
    en: 'Putting recurrent layers on top of each other: what passes between them, and why a few layers are already a lot.',
    fa: 'قرار دادن لایه‌های بازگشتی روی هم: چه چیزی میان آن‌ها رد و بدل می‌شود و چرا چند لایه همین حالا هم زیاد است.',
  },
  presets: [{ id: 'stacked-gru', label: { en: 'Two stacked GRUs', fa: 'دو GRU پشته‌ای' } }],
  terms: ['stacked-rnn', 'return-sequences', 'hidden-state', 'timestep', 'vanishing-gradient', 'dropout', 'overfitting', 'residual-connection', 'parameter', 'gru', 'mae'],
  sections: [
    {
      kind: 'paragraph',
      text: {
        en: 'A single recurrent layer turns a sequence of inputs into a sequence of states. Nothing stops us from feeding that sequence of states into a second recurrent layer, and its output into a third. Each layer then works on a more processed description of the data: the first may react to raw hourly readings, the second to patterns over several hours that the first has already summarised.',
        fa: 'یک لایهٔ بازگشتی دنباله‌ای از ورودی‌ها را به دنباله‌ای از حالت‌ها تبدیل می‌کند. هیچ چیز مانع نمی‌شود که این دنبالهٔ حالت‌ها را به یک لایهٔ بازگشتی دوم بدهیم و خروجی آن را به لایهٔ سوم. در این صورت هر لایه روی توصیفی پردازش‌شده‌تر از داده کار می‌کند: لایهٔ اول شاید به خوانش‌های ساعتی خام واکنش نشان دهد و لایهٔ دوم به الگوهایی در طول چند ساعت که لایهٔ اول پیش‌تر خلاصه‌شان کرده است.',
      },
    },
    {
      kind: 'formula',
      tex: String.raw`h^{(1)}_t = \mathrm{GRU}^{(1)}\!\left(x_t,\ h^{(1)}_{t-1}\right), \qquad h^{(\ell)}_t = \mathrm{GRU}^{(\ell)}\!\left(h^{(\ell-1)}_t,\ h^{(\ell)}_{t-1}\right)`,
      caption: { en: 'Layer $\\ell$ reads, at each step, the state of layer $\\ell - 1$ at the same step.', fa: 'لایهٔ $\\ell$ در هر گام حالت لایهٔ $\\ell - 1$ را در همان گام می‌خواند.' },
    },
    { kind: 'diagram', id: 'stacked', caption: { en: 'Depth goes up, time goes left to right. Only the top layer may drop the time axis.', fa: 'عمق رو به بالا و زمان از چپ به راست است. فقط لایهٔ بالایی می‌تواند محور زمان را کنار بگذارد.' } },
    { kind: 'heading', text: { en: 'return_sequences between layers', fa: 'return_sequences میان لایه‌ها' } },
    {
      kind: 'paragraph',
      text: {
        en: 'By default a Keras recurrent layer returns only its last state, a tensor of shape `(batch, units)`: the time axis is gone. The next recurrent layer needs a sequence of shape `(batch, timesteps, features)`, so every recurrent layer except the last must be built with `return_sequences=True`, which returns the whole sequence of states, `(batch, timesteps, units)`. The last one usually keeps the default, because a single forecast needs a single vector.',
        fa: 'یک لایهٔ بازگشتی Keras به‌طور پیش‌فرض فقط آخرین حالتش را برمی‌گرداند، تنسوری با شکل `(batch, units)`؛ یعنی محور زمان از بین رفته است. لایهٔ بازگشتی بعدی به دنباله‌ای با شکل `(batch, timesteps, features)` نیاز دارد؛ پس همهٔ لایه‌های بازگشتی به جز آخری باید با `return_sequences=True` ساخته شوند تا کل دنبالهٔ حالت‌ها را با شکل `(batch, timesteps, units)` برگردانند. لایهٔ آخر معمولاً همان پیش‌فرض را نگه می‌دارد، چون یک پیش‌بینی تنها به یک بردار تنها نیاز دارد.',
      },
    },
    {
      kind: 'callout',
      tone: 'warning',
      title: { en: 'The most common stacking error', fa: 'رایج‌ترین خطا در پشته‌سازی' },
      text: {
        en: 'Forgetting `return_sequences=True` on a lower layer gives the next recurrent layer a 2D input. The builder shows the shape under every block, so you see the missing time axis before you train, not as a stack trace.',
        fa: 'اگر `return_sequences=True` را در لایهٔ پایینی فراموش کنید، لایهٔ بازگشتی بعدی ورودی دوبعدی می‌گیرد. سازنده شکل خروجی را زیر هر بلوک نشان می‌دهد، پس محور زمانِ گم‌شده را پیش از آموزش می‌بینید، نه در یک پیام خطای طولانی.',
      },
    },
    { kind: 'heading', text: { en: 'Why three recurrent layers are already a lot', fa: 'چرا سه لایهٔ بازگشتی همین حالا هم زیاد است' } },
    {
      kind: 'list',
      items: [
        { en: 'A recurrent layer is already deep in time: unrolled over 240 steps, a gradient from the output to the first step crosses 240 nonlinear transitions. Stacking $L$ layers multiplies the paths: the longest one has about $L + T$ transitions, and every one of the $L \\times T$ cells must be computed in order.', fa: 'یک لایهٔ بازگشتی همین حالا در بُعد زمان عمیق است: وقتی روی ۲۴۰ گام باز شود، گرادیان از خروجی تا گام اول از ۲۴۰ گذار غیرخطی عبور می‌کند. پشته کردن $L$ لایه مسیرها را زیاد می‌کند: بلندترین مسیر حدود $L + T$ گذار دارد و هر یک از $L \\times T$ سلول باید به ترتیب محاسبه شود.' },
        { en: 'Cost grows linearly with depth, but the steps inside one layer cannot run in parallel. Each extra layer adds a full sequential pass over the window.', fa: 'هزینه با عمق به‌طور خطی زیاد می‌شود، اما گام‌های درون یک لایه را نمی‌توان موازی اجرا کرد. هر لایهٔ اضافه یک گذر ترتیبی کامل روی پنجره می‌افزاید.' },
        { en: 'The gain shrinks quickly. In "Deep Learning with Python" a second GRU on the climate data improves the validation MAE only slightly over one regularised GRU; more layers bring more capacity that small data sets mainly turn into overfitting.', fa: 'سود به‌سرعت کم می‌شود. در کتاب «یادگیری عمیق با پایتون» افزودن GRU دوم روی داده‌های اقلیمی MAE اعتبارسنجی را فقط اندکی نسبت به یک GRU منظم‌شده بهتر می‌کند؛ لایه‌های بیشتر ظرفیت بیشتری می‌آورند که داده‌های کوچک بیشتر آن را به بیش‌برازش تبدیل می‌کنند.' },
        { en: 'Very deep recurrent stacks in large systems (for example eight-layer LSTM encoders for machine translation) only trained well with residual connections between layers, which a plain stack does not have.', fa: 'پشته‌های بازگشتی بسیار عمیق در سامانه‌های بزرگ (برای نمونه رمزگذارهای LSTM هشت‌لایه برای ترجمهٔ ماشینی) فقط با اتصال‌های باقی‌مانده (residual) میان لایه‌ها خوب آموزش دیدند؛ چیزی که یک پشتهٔ ساده ندارد.' },
      ],
    },
    {
      kind: 'paragraph',
      text: {
        en: 'A practical rule: before adding a layer, make sure the model overfits, that is, it has enough capacity to fit the training data well and regularisation (dropout and recurrent dropout) is already in place. Add depth when the validation curve has stopped improving for lack of capacity, not by default.',
        fa: 'یک قاعدهٔ عملی: پیش از افزودن لایه مطمئن شوید مدل بیش‌برازش می‌کند، یعنی ظرفیت کافی برای برازش خوب دادهٔ آموزشی دارد، و منظم‌سازی (dropout و recurrent dropout) هم از قبل به کار رفته است. عمق را وقتی بیفزایید که منحنی اعتبارسنجی به دلیل کمبود ظرفیت دیگر بهتر نمی‌شود، نه به‌طور پیش‌فرض.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'stacked-gru',
      comparison: true,
      title: { en: 'One layer, two layers, three layers', fa: 'یک لایه، دو لایه، سه لایه' },
      steps: [
        { en: 'Open the stacked GRU preset. Turn off `return_sequences` on the first GRU and read the error the builder shows; turn it back on.', fa: 'پیش‌تنظیم GRU پشته‌ای را باز کنید. `return_sequences` را در GRU اول خاموش کنید و خطایی را که سازنده نشان می‌دهد بخوانید؛ سپس دوباره روشنش کنید.' },
        { en: 'Train it, then add a third GRU (with `return_sequences=True` on the second) and train again with the same epochs.', fa: 'آن را آموزش دهید، سپس یک GRU سوم اضافه کنید (با `return_sequences=True` در دومی) و با همان تعداد دوره دوباره آموزش دهید.' },
        { en: 'Compare both runs with the single GRU of lesson 1: best validation MAE and seconds per epoch.', fa: 'هر دو اجرا را با GRU تنهای درس ۱ مقایسه کنید: بهترین MAE اعتبارسنجی و ثانیه‌های هر دوره.' },
      ],
      observe: [
        { en: 'Time per epoch grows roughly in proportion to the number of recurrent layers.', fa: 'زمان هر دوره تقریباً به نسبت تعداد لایه‌های بازگشتی زیاد می‌شود.' },
        { en: 'The MAE improves a little from one to two layers and hardly, if at all, from two to three.', fa: 'MAE از یک به دو لایه کمی بهتر می‌شود و از دو به سه لایه تقریباً هیچ.' },
      ],
    },
  ],
};
