"""PyTorch twins of the SeqLab bench models, for `npm run bench -- --peer`.

Run by /usr/bin/python3 (Debian's python3-torch). Reads one JSON argument
{"models": [...], "batches": N, "batchSize": B, "timesteps": T, "threads": k,
"inference": {"samples": S} (optional)} and prints one JSON object:
{"torch": version, "blas": ..., "threads": ..., "results": [...], "inference": {...}}.

Keras-like semantics where PyTorch has them: RMSprop(lr=1e-3, alpha=0.9 (Keras rho),
eps=1e-7), L1 loss for the Jena regressors, cross-entropy for the softmax classifiers,
return_sequences=False = the last step's output. Differences that cannot be matched:
PyTorch's GRU is the reset_after=True form with sigmoid gates (tfjs: reset_after=False,
hard_sigmoid), it has no recurrent dropout and no relu activation (the stacked preset's
second GRU uses relu in Keras), and ConvLSTM2D is written out here as a cell loop.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Gru(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(14, 32, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1, :])


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(14, 32, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1, :])


class Conv647(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(14, 32, 5)
        self.c2 = nn.Conv1d(32, 32, 5)
        self.c3 = nn.Conv1d(32, 32, 5)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        x = x.transpose(1, 2)
        x = F.max_pool1d(F.relu(self.c1(x)), 3)
        x = F.max_pool1d(F.relu(self.c2(x)), 3)
        x = F.relu(self.c3(x)).amax(dim=2)
        return self.fc(x)


class Conv649(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(14, 32, 5)
        self.c2 = nn.Conv1d(32, 32, 5)
        self.drop = nn.Dropout(0.1)
        self.rnn = nn.GRU(32, 32, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        x = x.transpose(1, 2)
        x = F.max_pool1d(F.relu(self.c1(x)), 3)
        x = F.relu(self.c2(x)).transpose(1, 2)
        out, _ = self.rnn(self.drop(x))
        return self.fc(out[:, -1, :])


class BiGru(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(14, 32, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(64, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        # Keras: forward's last step, backward's last step (= position 0), concatenated
        return self.fc(torch.cat([out[:, -1, :32], out[:, 0, 32:]], dim=1))


class StackedGru(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop1 = nn.Dropout(0.1)
        self.g1 = nn.GRU(14, 32, batch_first=True)
        self.drop2 = nn.Dropout(0.1)
        self.g2 = nn.GRU(32, 64, batch_first=True)
        self.fc = nn.Linear(64, 1)

    def forward(self, x):
        out, _ = self.g1(self.drop1(x))
        out, _ = self.g2(self.drop2(out))
        return self.fc(out[:, -1, :])


class VideoCnnLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3)
        self.rnn = nn.LSTM(8 * 15 * 15, 32, batch_first=True)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):  # x: [B, 10, 1, 32, 32]
        b, t = x.shape[0], x.shape[1]
        f = F.max_pool2d(F.relu(self.conv(x.reshape(b * t, 1, 32, 32))), 2)
        out, _ = self.rnn(f.reshape(b, t, -1))
        return self.fc(out[:, -1, :])


class VideoConv3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv3d(1, 8, 3)
        self.c2 = nn.Conv3d(8, 16, 3)
        self.fc = nn.Linear(16 * 2 * 6 * 6, 5)

    def forward(self, x):  # x: [B, 1, 10, 32, 32]
        x = F.max_pool3d(F.relu(self.c1(x)), 2)
        x = F.max_pool3d(F.relu(self.c2(x)), (1, 2, 2))
        return self.fc(x.flatten(1))


class VideoConvLstm(nn.Module):
    """The video-convlstm preset: ConvLSTM2D(16, 3x3, strides 2, valid; tanh, tfjs's hard_sigmoid
    0.2x+0.5) as Keras computes it, then MaxPooling2D(3x3), Flatten and Dense(6). The input
    convolution runs over all frames at once (PyTorch at its best), the recurrent one per step."""

    def __init__(self):
        super().__init__()
        self.xconv = nn.Conv2d(1, 64, 3, stride=2)
        self.hconv = nn.Conv2d(16, 64, 3, padding=1, bias=False)
        self.fc = nn.Linear(16 * 5 * 5, 6)

    def forward(self, x):  # x: [B, 10, 1, 32, 32]
        b, t = x.shape[0], x.shape[1]
        zx = self.xconv(x.reshape(b * t, *x.shape[2:])).reshape(b, t, 64, 15, 15)
        h = x.new_zeros(b, 16, 15, 15)
        c = x.new_zeros(b, 16, 15, 15)
        hs = lambda z: torch.clamp(0.2 * z + 0.5, 0, 1)
        for s in range(t):
            z = zx[:, s] + self.hconv(h)
            i, f, g, o = z.chunk(4, dim=1)
            c = hs(f) * c + hs(i) * torch.tanh(g)
            h = hs(o) * torch.tanh(c)
        return self.fc(F.max_pool2d(h, 3).flatten(1))


class Captioner(nn.Module):
    """shared/captioning.ts captionerGraph with DEFAULT_CAPTIONER (image 32, conv 16 and 32, feature 64, embed 32, GRU 96)."""

    def __init__(self, vocab):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.conv2 = nn.Conv2d(16, 32, 3)
        self.feat = nn.Linear(32 * 6 * 6, 64)
        self.embed = nn.Embedding(vocab, 32)
        self.rnn = nn.GRU(32 + 64, 96, batch_first=True)
        self.words = nn.Linear(96, vocab)

    def forward(self, image, tokens):
        x = F.max_pool2d(F.relu(self.conv(image)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        f = F.relu(self.feat(x.flatten(1)))
        seq = torch.cat([self.embed(tokens), f.unsqueeze(1).expand(-1, tokens.shape[1], -1)], dim=2)
        out, _ = self.rnn(seq)
        return self.words(out)


def make(model_id, B, T, vocab, steps):
    """(module, inputs, target, loss_fn) for one bench model."""
    jena = torch.randn(B, T, 14)
    reg = torch.randn(B, 1)
    l1 = nn.L1Loss()
    ce = nn.CrossEntropyLoss()
    if model_id == "gru":
        return Gru(), (jena,), reg, l1
    if model_id == "lstm":
        return Lstm(), (jena,), reg, l1
    if model_id == "conv1d-6.47":
        return Conv647(), (jena,), reg, l1
    if model_id == "conv1d-gru-6.49":
        return Conv649(), (jena,), reg, l1
    if model_id == "bidirectional-gru":
        return BiGru(), (jena,), reg, l1
    if model_id == "stacked-gru":
        return StackedGru(), (jena,), reg, l1
    if model_id == "video-cnn-lstm":
        return VideoCnnLstm(), (torch.randn(B, 10, 1, 32, 32),), torch.randint(0, 5, (B,)), ce
    if model_id == "video-conv3d":
        return VideoConv3d(), (torch.randn(B, 1, 10, 32, 32),), torch.randint(0, 5, (B,)), ce
    if model_id == "video-convlstm":
        return VideoConvLstm(), (torch.randn(B, 10, 1, 32, 32),), torch.randint(0, 6, (B,)), ce
    if model_id == "captioning":
        target = torch.randint(0, vocab, (B, steps))
        return Captioner(vocab), (torch.randn(B, 3, 32, 32), torch.randint(0, vocab, (B, steps))), target, ce
    return None


def median(values):
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def blas_in_use():
    """Which BLAS library this process has loaded (after a matmul ran)."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                name = os.path.basename(line.strip().split(" ")[-1])
                if "blas" in name or "mkl" in name or "lapack" in name:
                    found.add(name)
    except OSError:
        pass
    return sorted(found)


def inference(samples, B, T):
    """GRU(32) predictions over `samples` windows in batches of B, as the engine's
    train.predict does over the test split: eval mode, torch.no_grad()."""
    model = Gru().eval()
    x = torch.randn(B, T, 14)
    batches = (samples + B - 1) // B
    with torch.no_grad():
        model(x)  # warm-up
        t0 = time.perf_counter()
        c0 = time.process_time()
        done = 0
        for i in range(batches):
            m = min(B, samples - i * B)
            model(x[:m]).numpy()
            done += m
        ms = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
    return {"samples": done, "batchSize": B, "ms": ms, "cpuMs": cpu, "samplesPerSecond": done * 1000 / ms}


def main():
    args = json.loads(sys.argv[1])
    torch.set_num_threads(int(args.get("threads", 2)))
    # subnormal floats flushed to zero, as SeqLab's recurrent kernels do: gradients through
    # 240 timesteps decay into that range, and on Intel cores each operation on them costs
    # about a hundred cycles (torch's GRU(32) batch: 582 ms without, on the 2026-12-07 machine)
    torch.set_flush_denormal(True)
    torch.manual_seed(0)
    B, T, N = int(args["batchSize"]), int(args["timesteps"]), int(args["batches"])
    results = []
    for model_id in args["models"]:
        made = make(model_id, B, T, int(args.get("vocab", 33)), int(args.get("steps", 12)))
        if made is None:
            results.append({"model": model_id, "ok": False, "error": "no PyTorch twin"})
            continue
        model, inputs, target, loss_fn = made
        opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        model.train()

        def step():
            opt.zero_grad()
            out = model(*inputs)
            if model_id == "captioning":
                loss = loss_fn(out.reshape(-1, out.shape[-1]), target.reshape(-1))
            else:
                loss = loss_fn(out, target)
            loss.backward()
            opt.step()
            return float(loss)

        t0 = time.perf_counter()
        step()
        first = (time.perf_counter() - t0) * 1000
        for _ in range(int(args.get("warmup", 1)) - 1):
            step()
        times = []
        cpu = []
        for _ in range(N):
            t0 = time.perf_counter()
            c0 = time.process_time()
            step()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        med = median(times)
        results.append({"model": model_id, "ok": True, "firstBatchMs": first, "msPerBatch": med, "cpuMsPerBatch": median(cpu), "samplesPerSecond": B * 1000 / med})
    out_inference = None
    if args.get("inference"):
        out_inference = inference(int(args["inference"]["samples"]), B, T)
    print(json.dumps({
        "inference": out_inference,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "blas": blas_in_use(),
        "results": results,
    }))


if __name__ == "__main__":
    main()
