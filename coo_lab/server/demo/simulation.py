"""The simulation: two years of declarations, day by day, with every step of every
certificate's life (and the product filings' reviews) run and written in time order."""

from __future__ import annotations

import heapq
import random
from datetime import timedelta
from typing import Any

from coo_lab.domain.agreements import CERTIFICATE_TYPES
from coo_lab.server.demo.certificate import VOID_BY_REISSUE, DemoCertificate
from coo_lab.server.demo.declarant import Firm
from coo_lab.server.demo.destinations import PARTNER_COUNTRIES
from coo_lab.server.demo.drafting import Drafter
from coo_lab.server.demo.draws import Pick
from coo_lab.server.demo.history import History
from coo_lab.server.demo.lifecycle import Planner
from coo_lab.server.demo.timeline import DAY, HOUR, MINUTE, day_weight, odd, to_datetime
from coo_lab.server.demo.writer import Sink


class Simulation:
    """Simulates two years of declarations and writes them in time order."""

    def __init__(
        self,
        rng: random.Random,
        firms: list[Firm],
        start_us: int,
        end_us: int,
        scale: int,
        ids: dict[str, int],
        counters: dict[str, int],
        sink: Sink,
        progress: bool,
    ) -> None:
        self.rng = rng
        self.firms = Pick(firms, [f.spec.share for f in firms])
        self.start_us, self.end_us = start_us, end_us
        self.scale = scale
        self.drafter = Drafter(rng, counters, ids["certificates"], progress=progress)
        self.planner = Planner(rng, self.drafter, end_us, scale)
        self.history = History(sink, counters, ids["receipts"])
        self.stats = self.history.stats
        self.events: list[tuple[int, int, int, Any, Any]] = []
        self.tick = 0
        self.first_of_type = [t for t in CERTIFICATE_TYPES if any(t in f.lines for f in firms)]
        rng.shuffle(self.first_of_type)

    def at(self, us: int, items: list[tuple[str, tuple]]) -> None:
        """Rows of something else (a product filing's review) to write at that time."""
        self._push(us, 0, None, items)

    def _push(self, us: int, prio: int, cert: Any, step: Any) -> None:
        self.tick += 1
        heapq.heappush(self.events, (us, prio, self.tick, cert, step))

    # -- the day-by-day stream of new certificates ----------------------------------------

    def run(self) -> None:
        rng = self.rng
        days = (self.end_us - self.start_us) // DAY
        first = to_datetime(self.start_us).date()
        weights = [day_weight(first + timedelta(days=i), i, days) for i in range(days)]
        total = sum(weights)
        exact = [self.scale * w / total for w in weights]
        counts = [int(x) for x in exact]
        short = self.scale - sum(counts)
        order = sorted(range(days), key=lambda i: exact[i] - counts[i], reverse=True)
        for i in order[:short]:
            counts[i] += 1
        span = 9 * HOUR
        for i, count in enumerate(counts):
            day_start = self.start_us + i * DAY + 30 * MINUTE  # 08:30 Beijing
            for x in sorted([rng.random() for _ in range(count)]):
                t0 = odd(day_start + int(x * span))
                if (self.events and self.events[0][0] < t0) or (
                    self.planner.reissues and self.planner.reissues[0][0] < t0
                ):
                    self._until(t0)
                self._new(t0)
        self._until(self.end_us + 1)
        assert not self.planner.reissues and not self.events

    def _until(self, us: int) -> None:
        """Run every event and every amend-reissue creation before ``us``, in time order."""
        events, pending = self.events, self.planner.reissues
        pop, step, history = heapq.heappop, self._step, self.history
        while True:
            e = events[0][0] if events else None
            p = pending[0][0] if pending else None
            if e is not None and e < us and (p is None or e <= p):
                t, _prio, _tick, cert, index = pop(events)
                if cert is None:  # a prepared non-certificate event (a product filing's review)
                    history.filing_event(index)
                    continue
                step(cert, t, index)
            elif p is not None and p < us:
                t, _tick, cert = pop(pending)
                self.drafter.insert(cert, t)
                self._push(t, 0, cert, 0)
            else:
                return

    # -- a new certificate -------------------------------------------------------------------

    def _new(self, t0: int) -> None:
        rng = self.rng
        if self.first_of_type:  # every type at least once, even in a small demo
            cert_type = self.first_of_type.pop()
            firm = rng.choice([f for f in self.firms.items if cert_type in f.lines])
        else:
            firm = self.firms(rng)
            assert firm.types is not None
            cert_type = firm.types(rng)
        dest = firm.destinations[cert_type](rng)
        cert = self.drafter.draft(firm, cert_type, dest)
        if cert_type == "C" and dest in PARTNER_COUNTRIES:
            self.stats.partner_general += 1
        self.drafter.insert(cert, t0)
        self.planner.plan(cert, t0)
        self._push(t0, 0, cert, 0)

    def _step(self, c: DemoCertificate, t: int, index: int) -> None:
        """Run a step of a certificate's life and schedule its next one."""
        self.history.step(c, t, index)
        if index < len(c.steps) - 1:
            after, then, _arg = c.steps[index + 1]
            self._push(after, 1 if then == VOID_BY_REISSUE else 0, c, index + 1)
