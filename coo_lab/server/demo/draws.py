"""Seeded random draws, cheap enough for tens of draws per certificate."""

from __future__ import annotations

import math
import random
from bisect import bisect
from itertools import accumulate
from typing import Any


class QuickRandom(random.Random):
    """``random.Random`` with cheaper draws: a scaled float instead of rejection-sampled bits
    (the simulation draws tens of numbers per certificate), still seeded and repeatable."""

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, seq: Any) -> Any:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def lognormvariate(self, mu: float, sigma: float) -> float:
        return math.exp(mu + sigma * self.gauss(0.0, 1.0))


class Pick:
    """A weighted choice that costs one random number (``random.choices`` rebuilds its sums)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cum, rng.random() * self.total)]
