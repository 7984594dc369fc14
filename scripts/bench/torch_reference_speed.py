"""Training speed of the PyTorch reference model (../shared/reference/lic_reference.py) for
scripts/bench/train-vs-torch.ts: the reference's own model classes and training step (rate-distortion
loss, backward, gradient clip 1.0, Adam), random crops of the given files, timed for a wall budget.
A development benchmark only: the studio never imports PyTorch. Prints one JSON line."""
import argparse, json, os, sys, time

ap = argparse.ArgumentParser()
ap.add_argument('--reference', required=True, help='folder holding lic_reference.py')
ap.add_argument('--files', required=True, help='a text file with one image path per line')
ap.add_argument('--model', choices=['factorized', 'hyperprior'], default='factorized')
ap.add_argument('--N', type=int, default=64)
ap.add_argument('--M', type=int, default=96)
ap.add_argument('--crop', type=int, default=128)
ap.add_argument('--batch', type=int, default=8)
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--seconds', type=float, default=20)
a = ap.parse_args()
sys.path.insert(0, a.reference)
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
import lic_reference as ref

torch.set_num_threads(a.threads)
torch.manual_seed(0)
paths = [p for p in open(a.files).read().splitlines() if p]
tensors = [torch.from_numpy(np.array(Image.open(p).convert('RGB'))).permute(2, 0, 1).contiguous() for p in paths]
model = (ref.Factorized if a.model == 'factorized' else ref.Hyperprior)(a.N, a.M)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
rng = np.random.RandomState(1)


def step():
    crops = []
    for _ in range(a.batch):
        t = tensors[rng.randint(len(tensors))]
        y0, x0 = rng.randint(t.shape[1] - a.crop + 1), rng.randint(t.shape[2] - a.crop + 1)
        c = t[:, y0:y0 + a.crop, x0:x0 + a.crop]
        crops.append(torch.flip(c, [2]) if rng.rand() < 0.5 else c)
    x = torch.stack(crops).float() / 255
    xh, liks = model(x)
    bpp = sum(-torch.log2(l).sum() for l in liks) / (x.shape[0] * x.shape[2] * x.shape[3])
    loss = 0.01 * 255 ** 2 * F.mse_loss(xh, x) + bpp
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


step()  # warm-up: first-call allocations are not training speed
steps, w0, c0 = 0, time.perf_counter(), time.process_time()
while time.perf_counter() - w0 < a.seconds:
    step()
    steps += 1
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
print(json.dumps(dict(torch=torch.__version__, model=a.model, threads=a.threads, steps=steps, wall_s=round(wall, 2), cpu_s=round(cpu, 2),
                      samples_per_s=round(steps * a.batch / wall, 2), samples_per_cpu_s=round(steps * a.batch / cpu, 2))))
