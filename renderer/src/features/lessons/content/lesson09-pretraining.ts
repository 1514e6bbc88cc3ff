import type { Lesson } from '../types';

export const lesson09: Lesson = {
  id: 'pretraining',
  number: 9,
  title: { en: 'Greedy layer-wise pretraining', fa: 'پیش‌آموزش لایه‌به‌لایهٔ حریصانه' },
  summary: {
    en: 'Training a deep network one layer at a time, each reconstructing its input, then fine-tuning the whole with labels; why it mattered in 2006 and rarely does now.',
    fa: 'آموزش یک شبکهٔ عمیق، هر بار یک لایه که ورودی خودش را بازسازی می‌کند، و سپس تنظیم دقیق کل شبکه با برچسب‌ها؛ چرا در ۲۰۰۶ مهم بود و اکنون به‌ندرت لازم است.',
  },
  presets: [{ id: 'dense-autoencoder', label: { en: 'Dense autoencoder (one stage)', fa: 'خودرمزگذار چگال (یک مرحله)' } }],
  terms: ['greedy-layerwise-pretraining', 'pretraining', 'fine-tuning', 'autoencoder', 'rbm', 'unsupervised', 'supervised', 'relu', 'vanishing-gradient', 'weight-initialization', 'optimizer', 'batch-normalization', 'residual-connection', 'semi-supervised', 'self-supervised', 'overfitting'],
  sections: [
    { kind: 'heading', text: { en: 'The procedure', fa: 'روش کار' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Greedy layer-wise pretraining builds a deep network from the bottom up. It is greedy because each layer is trained to do its own job well, without regard for the layers that will come after it. Each layer\'s job is unsupervised: represent its input so that the input can be reconstructed.',
        fa: 'پیش‌آموزش لایه‌به‌لایهٔ حریصانه (greedy layer-wise pretraining) یک شبکهٔ عمیق را از پایین به بالا می‌سازد. حریصانه است، چون هر لایه آموزش می‌بیند کار خودش را خوب انجام دهد، بی‌توجه به لایه‌هایی که پس از آن خواهند آمد. کار هر لایه بدون نظارت است: ورودی‌اش را طوری بازنمایی کند که بتوان آن ورودی را بازسازی کرد.',
      },
    },
    {
      kind: 'list',
      ordered: true,
      items: [
        { en: 'Train the first layer as a small autoencoder on the raw inputs $x$: encoder $h_1 = f(W_1 x + b_1)$, a temporary decoder, and a reconstruction loss. Keep the encoder, discard the decoder.', fa: 'لایهٔ اول را به‌صورت یک خودرمزگذار کوچک روی ورودی‌های خام $x$ آموزش دهید: رمزگذار $h_1 = f(W_1 x + b_1)$، یک رمزگشای موقت و یک تابع زیان بازسازی. رمزگذار را نگه دارید و رمزگشا را کنار بگذارید.' },
        { en: 'Pass the whole training set through the first encoder to get $h_1$ for every example.', fa: 'کل دادهٔ آموزشی را از رمزگذار اول عبور دهید تا برای هر نمونه $h_1$ به دست آید.' },
        { en: 'Train the second layer as an autoencoder that reconstructs $h_1$, with the first layer frozen. Repeat for as many layers as wanted.', fa: 'لایهٔ دوم را به‌صورت خودرمزگذاری آموزش دهید که $h_1$ را بازسازی می‌کند، در حالی که لایهٔ اول ثابت مانده است. این کار را برای هر تعداد لایه که می‌خواهید تکرار کنید.' },
        { en: 'Stack the trained encoders, add an output layer, and fine-tune the whole network with the labels by ordinary backpropagation.', fa: 'رمزگذارهای آموزش‌دیده را روی هم بچینید، یک لایهٔ خروجی اضافه کنید و کل شبکه را با برچسب‌ها و پس‌انتشار معمولی تنظیم دقیق (fine-tuning) کنید.' },
      ],
    },
    {
      kind: 'formula',
      tex: String.raw`h_k = f\!\left(W_k h_{k-1} + b_k\right), \qquad \hat{h}_{k-1} = g\!\left(W'_k h_k + b'_k\right), \qquad \mathcal{L}_k = \left\lVert h_{k-1} - \hat{h}_{k-1} \right\rVert^2, \quad h_0 = x`,
      caption: { en: 'Stage $k$ trains only $W_k, b_k$ (and its temporary decoder $W\'_k, b\'_k$).', fa: 'مرحلهٔ $k$ فقط $W_k, b_k$ (و رمزگشای موقتش $W\'_k, b\'_k$) را آموزش می‌دهد.' },
    },
    { kind: 'diagram', id: 'layerwise-pretraining', caption: { en: 'Stage by stage: each new layer learns to reconstruct the output of the frozen layers below it, then all layers are fine-tuned together.', fa: 'مرحله به مرحله: هر لایهٔ تازه یاد می‌گیرد خروجی لایه‌های ثابت زیرین را بازسازی کند و سپس همهٔ لایه‌ها با هم تنظیم دقیق می‌شوند.' } },
    { kind: 'heading', text: { en: 'Why it mattered around 2006', fa: 'چرا حدود سال ۲۰۰۶ مهم بود' } },
    {
      kind: 'paragraph',
      text: {
        en: 'Before 2006, networks with more than two or three hidden layers were widely believed to be untrainable in practice. With sigmoid or tanh units, small random initial weights and plain gradient descent, the gradient reaching the lower layers was tiny, and training got stuck in poor solutions. In 2006 Hinton, Osindero and Teh trained deep belief networks one layer at a time with restricted Boltzmann machines, and in the following year Bengio and colleagues showed that stacked autoencoders work in the same way. Pretraining placed the weights in a region where fine-tuning could succeed and acted as a regulariser. This result is one of the origins of the "deep learning" revival.',
        fa: 'پیش از ۲۰۰۶، باور رایج این بود که شبکه‌هایی با بیش از دو یا سه لایهٔ پنهان در عمل آموزش‌پذیر نیستند. با واحدهای سیگموید یا tanh، وزن‌های آغازین تصادفی کوچک و کاهش گرادیان ساده، گرادیانی که به لایه‌های پایینی می‌رسید بسیار کوچک بود و آموزش در جواب‌های ضعیف گیر می‌کرد. در ۲۰۰۶ هینتون، اوسیندرو و ته شبکه‌های باور عمیق (deep belief networks) را با ماشین‌های بولتزمن محدود (RBM) لایه به لایه آموزش دادند و سال بعد بنجیو و همکارانش نشان دادند که خودرمزگذارهای پشته‌ای هم همین‌طور کار می‌کنند. پیش‌آموزش وزن‌ها را در ناحیه‌ای قرار می‌داد که تنظیم دقیق می‌توانست در آن موفق شود و نقش منظم‌ساز را هم داشت. این نتیجه یکی از سرچشمه‌های احیای «یادگیری عمیق» است.',
      },
    },
    { kind: 'heading', text: { en: 'Why it is rarely needed now', fa: 'چرا اکنون به‌ندرت لازم است' } },
    {
      kind: 'list',
      items: [
        { en: 'ReLU activations (around 2010–2011) do not saturate for positive inputs, so gradients pass through many layers far better than with sigmoids.', fa: 'تابع‌های فعال‌سازی ReLU (حدود ۲۰۱۰ تا ۲۰۱۱) برای ورودی‌های مثبت اشباع نمی‌شوند، پس گرادیان‌ها بسیار بهتر از سیگموید از لایه‌های زیاد عبور می‌کنند.' },
        { en: 'Careful random initialisation (Glorot 2010, He 2015) keeps the scale of signals and gradients steady from layer to layer.', fa: 'مقداردهی آغازین تصادفی سنجیده (گلورو ۲۰۱۰، هی ۲۰۱۵) مقیاس سیگنال‌ها و گرادیان‌ها را از لایه‌ای به لایهٔ دیگر ثابت نگه می‌دارد.' },
        { en: 'Better optimisers (momentum, RMSprop, Adam) move through difficult loss surfaces much faster than plain gradient descent.', fa: 'بهینه‌سازهای بهتر (تکانه، RMSprop و Adam) بسیار سریع‌تر از کاهش گرادیان ساده از سطح‌های زیان دشوار عبور می‌کنند.' },
        { en: 'Normalisation (batch normalisation, 2015, and its relatives) and residual connections make networks with tens or hundreds of layers trainable from scratch.', fa: 'نرمال‌سازی (نرمال‌سازی دسته‌ای در ۲۰۱۵ و خویشاوندانش) و اتصال‌های باقی‌مانده شبکه‌هایی با ده‌ها یا صدها لایه را از صفر آموزش‌پذیر می‌کنند.' },
        { en: 'Far larger labelled data sets and GPUs made end-to-end supervised training of the whole network the simpler and better choice.', fa: 'مجموعه‌داده‌های برچسب‌دار بسیار بزرگ‌تر و GPUها آموزش بانظارت سرتاسری کل شبکه را به انتخاب ساده‌تر و بهتر تبدیل کردند.' },
      ],
    },
    { kind: 'heading', text: { en: 'Where unsupervised pretraining still helps', fa: 'جایی که پیش‌آموزش بدون نظارت هنوز کمک می‌کند' } },
    {
      kind: 'paragraph',
      text: {
        en: 'The idea has not disappeared; it changed form. When labels are few and unlabelled data is plentiful, for example a few hundred annotated sensor recordings among months of raw logs, pretraining an encoder on all the data and fine-tuning it on the labelled part still beats training from scratch. Today this is usually done end to end rather than layer by layer, with autoencoders or self-supervised objectives, and it is the basis of the large pretrained models of language, speech and vision.',
        fa: 'این ایده از بین نرفته است؛ شکلش عوض شده است. وقتی برچسب‌ها کم‌اند و دادهٔ بی‌برچسب فراوان است، مثلاً چند صد ضبطِ حسگرِ برچسب‌خورده در میان ماه‌ها ثبت خام، پیش‌آموزش یک رمزگذار روی همهٔ داده و تنظیم دقیق آن روی بخش برچسب‌دار هنوز از آموزش از صفر بهتر است. امروزه این کار معمولاً به‌صورت سرتاسری و نه لایه به لایه، با خودرمزگذارها یا هدف‌های خودنظارتی، انجام می‌شود و پایهٔ مدل‌های بزرگ پیش‌آموزش‌دیدهٔ زبان، گفتار و بینایی است.',
      },
    },
    {
      kind: 'callout',
      tone: 'history',
      title: { en: 'Words to keep apart', fa: 'واژه‌هایی که باید از هم جدا کرد' },
      text: {
        en: '"Pretraining" in 2006 meant unsupervised, greedy, one layer at a time. "Pretraining" in today\'s papers usually means training a whole network on a large (often self-supervised) task before fine-tuning. Both share the same two-phase shape: learn a representation first, then the task.',
        fa: '«پیش‌آموزش» در ۲۰۰۶ یعنی بدون نظارت، حریصانه و هر بار یک لایه. «پیش‌آموزش» در مقاله‌های امروز معمولاً یعنی آموزش کل یک شبکه روی یک مسئلهٔ بزرگ (اغلب خودنظارتی) پیش از تنظیم دقیق. هر دو همان شکل دومرحله‌ای را دارند: اول یک بازنمایی، بعد مسئله.',
      },
    },
    {
      kind: 'experiment',
      presetId: 'dense-autoencoder',
      title: { en: 'One stage of layer-wise pretraining, by hand', fa: 'یک مرحله از پیش‌آموزش لایه‌به‌لایه، به دست خودتان' },
      steps: [
        { en: 'Open the dense autoencoder preset: this is stage 1, one encoder layer and its temporary decoder, trained to reconstruct the input.', fa: 'پیش‌تنظیم خودرمزگذار چگال را باز کنید: این مرحلهٔ ۱ است، یک لایهٔ رمزگذار و رمزگشای موقتش که برای بازسازی ورودی آموزش می‌بینند.' },
        { en: 'Train it, then delete the decoder, freeze the encoder (trainable off) and add a small dense output layer for the prediction task.', fa: 'آن را آموزش دهید، سپس رمزگشا را حذف کنید، رمزگذار را ثابت کنید (trainable خاموش) و یک لایهٔ خروجی چگال کوچک برای مسئلهٔ پیش‌بینی اضافه کنید.' },
        { en: 'Train with only a small fraction of the training labels; then unfreeze the encoder and fine-tune. Compare with the same network trained from scratch on the same few labels.', fa: 'فقط با بخش کوچکی از برچسب‌های آموزشی آموزش دهید؛ سپس رمزگذار را از حالت ثابت درآورید و تنظیم دقیق کنید. نتیجه را با همان شبکه که از صفر و با همان برچسب‌های اندک آموزش دیده است مقایسه کنید.' },
      ],
      observe: [
        { en: 'With few labels the pretrained encoder usually starts from a lower validation loss and overfits later than the network trained from scratch.', fa: 'با برچسب‌های اندک، رمزگذار پیش‌آموزش‌دیده معمولاً از زیان اعتبارسنجی پایین‌تری شروع می‌کند و دیرتر از شبکهٔ آموزش‌دیده از صفر بیش‌برازش می‌کند.' },
        { en: 'With all the labels the advantage mostly disappears: that is the modern situation in which pretraining became rarely needed.', fa: 'با همهٔ برچسب‌ها این برتری تقریباً از بین می‌رود: این همان وضعیت امروزی است که پیش‌آموزش در آن به‌ندرت لازم شد.' },
      ],
    },
  ],
};
