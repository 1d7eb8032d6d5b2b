"""PyTorch side of `deno task bench`: the same work as lib/bench/tfjs_bench.ts, on CPU threads.

Run only by lib/bench/main.ts (never a dependency): reads one JSON object of options from argv[1]
and prints one JSON object {"torch": version, "threads": n, "rows": [...]} on stdout. Each row:
{"name", "images", "wall": [s per repeat], "cpu": [s per repeat], "peakRssMb"}.

Option "device" (default "cpu"; the offline GPU bundle's run.sh passes "cuda") puts the model and data on
that torch device; each timed run then ends with torch.cuda.synchronize(), rows add "peakGpuMb"
(torch.cuda.max_memory_allocated) and the output adds "device" and "gpu".

MobileNetV2 from torchvision (random init: speed does not depend on weights), classifier
Dropout(0.2) -> Linear(1280, 2) -> softmax as in the paper, AdamW, categorical cross-entropy.
BatchNorm runs in eval mode everywhere (as the tfjs loop does); the frozen part runs under
torch.no_grad(). Keras' block_13_expand (the stage-2 boundary) is torchvision's features[14].
"""

import json
import resource
import sys
import time


def peak_rss_mb():
    # VmHWM follows clear_refs resets; ru_maxrss (KiB) is the fallback off Linux.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def measure(name, images, fn, warmup, repeats, cuda=None):
    """cuda: the torch.cuda module when the work runs on a GPU (synchronised after each run)."""
    sync = cuda.synchronize if cuda else (lambda: None)
    for _ in range(warmup):
        fn()
    sync()
    reset_peak_rss()
    if cuda:
        cuda.reset_peak_memory_stats()
    wall, cpu = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        sync()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    row = {"name": name, "images": images, "wall": wall, "cpu": cpu, "peakRssMb": peak_rss_mb()}
    if cuda:
        row["peakGpuMb"] = cuda.max_memory_allocated() / 2**20
    return row


def main():
    opts = json.loads(sys.argv[1])
    import torch
    import torchvision

    threads = int(opts["threads"])
    torch.set_num_threads(threads)
    size, batch = int(opts["size"]), int(opts["batch"])
    warmup, repeats = int(opts["warmup"]), int(opts["repeats"])
    boundary = int(opts.get("stage2Feature", 14))
    device = torch.device(opts.get("device") or "cpu")
    cuda = torch.cuda if device.type == "cuda" else None
    rows = []

    files = opts.get("files") or []
    if files and "prepare" in opts["rows"]:
        from PIL import Image

        def prepare():
            for f in files:
                with Image.open(f) as im:
                    im.convert("L").resize((size, size), Image.LANCZOS).tobytes()

        rows.append(measure("prepare", len(files), prepare, min(warmup, 1), repeats))

    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2(weights=None)
    model.classifier = torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(1280, 2))
    model.to(device).eval()
    x = (torch.rand(batch, 3, size, size) * 2 - 1).to(device)
    y = torch.randint(0, 2, (batch,)).to(device)
    loss_fn = torch.nn.CrossEntropyLoss()
    features, head = model.features, model.classifier

    def pool(t):
        return torch.nn.functional.adaptive_avg_pool2d(t, 1).flatten(1)

    if "inference" in opts["rows"]:
        def infer():
            with torch.no_grad():
                torch.softmax(model(x), 1)

        rows.append(measure("inference", batch, infer, warmup, repeats, cuda))

    def step_fn(frozen, trainable_modules, forward_rest):
        params = [p for m in trainable_modules for p in m.parameters()]
        for p in model.parameters():
            p.requires_grad_(False)
        for p in params:
            p.requires_grad_(True)
        opt = torch.optim.AdamW(params, lr=1e-4)

        def step():
            with torch.no_grad():
                f = frozen(x)
            head.train()  # Dropout active; BatchNorm layers stay in eval mode
            loss = loss_fn(forward_rest(f), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            head.eval()

        return step

    if "stage1" in opts["rows"]:
        step = step_fn(lambda t: pool(features(t)), [head], head)
        rows.append(measure("stage1", batch, step, warmup, repeats, cuda))

    if "stage2" in opts["rows"]:
        front, back = features[:boundary], features[boundary:]
        step = step_fn(front, [back, head], lambda f: head(pool(back(f))))
        rows.append(measure("stage2", batch, step, warmup, repeats, cuda))

    if "full" in opts["rows"]:
        step = step_fn(lambda t: t, [features, head], lambda t: head(pool(features(t))))
        rows.append(measure("full", batch, step, warmup, repeats, cuda))

    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}
    if cuda:
        out.update(device=str(device), gpu=cuda.get_device_name(device))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
