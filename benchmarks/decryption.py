"""Bulk decryption (`crypto.decrypt_many`, used by the warehouse refresh) against `crypto.decrypt` token by
token, on the tokens the registry stores: migration statuses and Washington Group answers (JSON).

    .venv/bin/python benchmarks/decryption.py [--tokens 200000]

Prints microseconds per token for both, in the same run, with the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
STATUSES = ("moroccan", "regular_migrant", "refugee", "asylum_seeker")
DOMAINS = ("seeing", "hearing", "mobility", "cognition", "self_care", "communication")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=200_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from kafaat.core import crypto

    rng = random.Random(5)
    half = args.tokens // 2
    clear = [rng.choice(STATUSES) for _ in range(half)]
    clear += [json.dumps({d: rng.randint(1, 4) for d in DOMAINS}, sort_keys=True) for _ in range(half)]
    tokens = crypto.encrypt_many(clear)
    started = time.perf_counter()
    one_by_one = [crypto.decrypt(token) for token in tokens]
    single = time.perf_counter() - started
    started = time.perf_counter()
    bulk = crypto.decrypt_many(tokens)
    batched = time.perf_counter() - started
    assert one_by_one == bulk == clear
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(tokens):,} tokens: decrypt {1e6 * single / len(tokens):.2f} us/token, "
          f"decrypt_many {1e6 * batched / len(tokens):.2f} us/token, "
          f"{single / batched:.1f}x  (load {load})")  # fmt: skip


if __name__ == "__main__":
    main()
