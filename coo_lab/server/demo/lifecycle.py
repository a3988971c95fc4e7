"""A certificate's life, decided when it is declared: submitted (perhaps refused by the review
rules first and corrected), returned by a reviewer now and then, approved (by a reviewer in
office hours, or by the smart review on submission), printed, and a few voided or replaced by
an amend-reissue. Steps after the end of the demo never happen."""

from __future__ import annotations

import heapq
import math
import random
from typing import Any

from coo_lab.server.demo.certificate import (
    APPROVE,
    CREATE,
    EDIT,
    GOODS,
    PRINT,
    RETURN,
    SUBMIT,
    VOID,
    VOID_BY_REISSUE,
    DemoCertificate,
)
from coo_lab.server.demo.defects import defect, retroactive
from coo_lab.server.demo.documents import quote, unquote
from coo_lab.server.demo.drafting import Drafter
from coo_lab.server.demo.timeline import CHINA, DAY, HOUR, MINUTE, odd, office_hours, utc_date
from coo_lab.server.review import SYSTEM_ACTOR

RETURN_REASONS = (
    "货物描述与发票不符，请核对后重新申报 / the goods description differs from the invoice: "
    "check and declare again",
    "收货人地址不完整，请补充城市及国家 / the consignee's address is incomplete: add the city "
    "and country",
    "唛头与装箱单不一致，请更正 / the shipping marks differ from the packing list: correct them",
    "请上传提单或订舱确认书作为佐证材料 / upload the bill of lading or booking confirmation as a "
    "supporting document",
    "毛重与报关单不一致，请核实 / the gross weight differs from the customs declaration: verify it",
)
VOID_REASONS = (
    "客户取消订单，货物未出运 / order cancelled by the buyer, goods not shipped",
    "发票号填写错误，已重新申请 / wrong invoice number, a new certificate was applied for",
    "重复申请 / applied twice for the same shipment",
    "买方要求改用优惠原产地证 / the buyer asked for a preferential certificate instead",
)


class Planner:
    """Plans every certificate's steps (``DemoCertificate.steps``) and the amend-reissues
    still to be created (``reissues``, a heap by creation time)."""

    def __init__(self, rng: random.Random, drafter: Drafter, end_us: int, scale: int) -> None:
        self.rng = rng
        self.drafter = drafter
        self.end_us = end_us
        self.scale = scale
        self.reissues: list[tuple[int, int, DemoCertificate]] = []
        self.tick = 0
        # what even a small demo shows: once half the certificates exist, the next one that
        # can have a missing feature gets it
        self.wanted = {"refused", "void", "reissue"}

    def plan(self, c: DemoCertificate, t0: int) -> None:
        """Decide the whole life of a certificate now; steps after the horizon never happen."""
        rng = self.rng
        end = self.end_us
        firm = c.firm
        steps: list[tuple[int, int, Any]] = [(t0, CREATE, None)]
        t = odd(t0 + int((2 + 18 * rng.random()) * MINUTE))
        steps.append((t, GOODS, None))
        age = (end - t0) / DAY
        draft_p = 0.3 if age < 2 else 0.12 if age < 7 else 0.003
        t = odd(t + int(rng.lognormvariate(math.log(25), 0.9) * MINUTE))
        self.drafter.dates(c.vals, (t + CHINA) // DAY)
        if rng.random() < draft_p or t >= end:
            c.steps = [s for s in steps if s[0] < end]
            return
        findings = "[]"
        if c.type not in ("C", "B") and rng.random() < 0.015:
            findings = retroactive(rng, c, utc_date(t + CHINA))
        clean = c.vals
        force = "refused" in self.wanted and self.drafter.created * 2 > self.scale
        if rng.random() < 0.035 or force:  # a mistake the review rules catch at once
            found = defect(rng, c, utc_date(t + CHINA))
            steps.append((t, SUBMIT, found))
            if rng.random() < 0.2 or force:  # never corrected
                self.wanted.discard("refused")
                c.steps = [s for s in steps if s[0] < end]
                return
            t = odd(t + int(rng.lognormvariate(math.log(3), 1.0) * HOUR))
            steps.append((t, EDIT, clean))
            t = odd(t + int((5 + 25 * rng.random()) * MINUTE))
        steps.append((t, SUBMIT, findings))
        automatic = firm.spec.policy == "automatic" and findings == "[]"
        if automatic:
            approved = t  # smart review: approved on submission
        else:
            assert firm.reviewers is not None
            actor = firm.reviewers(rng)
            delay = rng.lognormvariate(math.log(1.5), 1.1) * HOUR
            if rng.random() < 0.03:  # the long tail: queries, holidays, a busy week
                delay += rng.uniform(3, 10) * DAY
            elif t > end - 3 * DAY and rng.random() < 0.6:  # the queue this morning
                delay += 1.5 * DAY
            approved = office_hours(rng, odd(t + int(delay)))
            if rng.random() < 0.015 and t + 4 * DAY < end:  # returned within the day
                returned = office_hours(rng, odd(t + int(rng.uniform(0.3, 6) * HOUR)))
                steps.append((returned, RETURN, (actor, rng.choice(RETURN_REASONS))))
                t = odd(returned + int(rng.lognormvariate(math.log(2), 1.0) * HOUR))
                steps.append((t, EDIT, dict(clean)))
                t = odd(t + int((5 + 25 * rng.random()) * MINUTE))
                steps.append((t, SUBMIT, findings))
                delay = rng.lognormvariate(0.7, 0.8) * HOUR
                approved = office_hours(rng, odd(t + int(delay)))
            steps.append((approved, APPROVE, actor))
        if approved < end:
            self._after_approval(c, clean, steps, approved)
        c.steps = [s for s in steps if s[0] < end]

    def _after_approval(self, c: DemoCertificate, vals: dict, steps: list, approved: int) -> None:
        rng = self.rng
        if rng.random() < 0.75:
            printed = odd(approved + int(rng.uniform(0.2, 48) * HOUR))
            steps.append((printed, PRINT, None))
            if rng.random() < 0.06:
                steps.append((odd(printed + int(rng.uniform(1, 10) * DAY)), PRINT, None))
        roll = rng.random()
        if (
            self.wanted
            and self.drafter.created * 2 > self.scale
            and approved + 40 * DAY < self.end_us
        ):
            if "void" in self.wanted:
                roll = 0.0
            elif "reissue" in self.wanted and c.type != "E":
                roll = 0.01
        if roll < 0.008:
            self.wanted.discard("void")
            at = odd(approved + int(rng.uniform(0.05, 30) * DAY))
            steps[:] = [s for s in steps if s[0] < at]
            steps.append((at, VOID, rng.choice(VOID_REASONS)))
        elif roll < 0.016 and c.type != "E" and c.category == "new":
            created = office_hours(rng, odd(approved + int(rng.uniform(1, 20) * DAY)))
            fresh = DemoCertificate(c.firm, c.type, dict(vals))
            fresh.importer_name = c.importer_name
            fresh.category = "amend_reissue"
            fresh.original = c
            reissued, actor = self._plan_reissue(fresh, created)
            if reissued >= self.end_us:
                return  # not approved yet: the original would still be live (no such pair)
            self.wanted.discard("reissue")
            steps[:] = [s for s in steps if s[0] < reissued]
            steps.append((reissued, VOID_BY_REISSUE, (fresh, actor)))
            self.tick += 1
            heapq.heappush(self.reissues, (created, self.tick, fresh))

    def _plan_reissue(self, c: DemoCertificate, t0: int) -> tuple[int, str]:
        """改证重发 after the shipment moved to a later vessel: declared and approved in days.

        Returns when it is approved and by whom.
        """
        rng = self.rng
        v = c.vals
        if v["transport_mode"] == '"SEA"':
            vessel = unquote(v["first_leg_vessel"]).rsplit(" V.", 1)[0]
            v["first_leg_vessel"] = quote(f"{vessel} V.{rng.randrange(400, 999):03d}E")
        steps: list[tuple[int, int, Any]] = [(t0, CREATE, None)]
        t = odd(t0 + int((5 + 40 * rng.random()) * MINUTE))
        self.drafter.dates(v, (t + CHINA) // DAY)
        steps.append((t, SUBMIT, "[]"))
        firm = c.firm
        if firm.spec.policy == "automatic":
            approved, actor = t, SYSTEM_ACTOR
        else:
            assert firm.reviewers is not None
            actor = firm.reviewers(rng)
            delay = rng.lognormvariate(math.log(3), 0.7) * HOUR
            approved = office_hours(rng, odd(t + int(delay)))
            steps.append((approved, APPROVE, actor))
        if rng.random() < 0.8:
            steps.append((odd(approved + int(rng.uniform(0.2, 24) * HOUR)), PRINT, None))
        c.steps = [s for s in steps if s[0] < self.end_us]
        return approved, actor
