"""Jieli (接力): a technology-transfer platform."""

import os

# numpy's BLAS on one thread per process (set before numpy is first imported; an operator's
# own value wins). The platform's BLAS work is small matrix-vector products answering a
# request, run by several request threads and worker processes at once: a second BLAS thread
# per product only spins for a busy core. Measured on the 2-core host under load: a 4,142 x
# 512 float32 product cost 0.13-0.18 ms of CPU on one thread and 0.4-3.8 ms on two
# (bench/load/profile_pages.py shows the effect per page).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
