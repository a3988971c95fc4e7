"""``client.filings``, the reviewer's filing methods and ``client.data_sync`` against the real
service on a loopback port."""

from __future__ import annotations

import pytest

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.domain.filing import ProductFiling
from coo_lab.errors import Conflict, ValidationFailed

from .test_filings_api import FRAMES, desk


def test_a_filing_from_notebook_to_approval_and_sync(live) -> None:
    op = Client(live.url, username="hx_operator", password="pw-hx_operator")
    reviewer = Client(live.url, username="dl_reviewer", password="pw-dl_reviewer")

    # a ProductFiling model, or a dict with areas as codes
    model = ProductFiling.model_validate(
        {**desk(), "areas": [{"agreement": "K"}, {"agreement": "E"}]}
    )
    created = op.filings.create(model)
    assert created["status"] == "draft"
    updated = op.filings.update(
        created["id"], {**desk(), "areas": ["K", "E", "A"]}, version=created["version"]
    )
    assert [a["agreement"] for a in updated["areas"]] == ["K", "E", "A"]
    with pytest.raises(Conflict):
        op.filings.update(created["id"], updated, version=created["version"])  # stale
    with pytest.raises(ValidationFailed) as bad:
        op.filings.create({**desk(), "areas": ["H", "K"]})
    assert bad.value.errors[0].field == "areas"

    verdicts = op.filings.check(created["id"])
    assert list(verdicts["qualifies"]) == [True, True, True]
    sent = op.filings.submit(created["id"])
    assert sent["status"] == "submitted"
    assert list(reviewer.review.filing_queue()["id"]) == [created["id"]]
    assert len(reviewer.review.filing(created["id"])["assessments"]) == 3
    reviewer.review.approve_area(created["id"], "K", remark="checked the BOM")
    reviewer.review.return_area(created["id"], "E", "supplier invoice missing")
    done = reviewer.review.approve_area(created["id"], "A")
    assert done["status"] == "returned"

    listing = op.filings.list(hs_code="940310")
    assert list(listing["id"]) == [created["id"]]
    assert [a["status"] for a in listing["areas"][0]] == ["approved", "returned", "approved"]
    usable = op.filings.usable_areas(agreement="K", hs_code="940310")
    assert list(usable["criterion"]) == ["PSR"]
    receipts = op.filings.receipts(created["id"])
    assert receipts["to_status"].iloc[0] == "approved"

    copy = op.filings.copy(created["id"])
    op.filings.delete(copy["id"], version=copy["version"])

    # the counter's filing, then both syncs and the history
    held = reviewer.review.record_counter_filing(
        samples.ENTERPRISE_CODE, {**desk(), "hs_code": "940320", "areas": ["E"]}
    )
    assert list(reviewer.review.held_filings(samples.ENTERPRISE_CODE)["id"]) == [held["id"]]
    assert op.data_sync.sync_product_filings()["count"] == 1
    info = op.data_sync.sync_enterprise_info()
    assert info["status"] == "completed"
    profile = op.data_sync.profile()
    assert [h["name"] for h in profile["hand_signers"]] == ["王丹", "李明", "张伟"]
    history = op.data_sync.history()
    assert list(history["sync_type"]) == ["enterprise_info", "product_filings"]
    assert list(op.data_sync.history(sync_type="product_filings")["count"]) == [1]

    framed = op.filings.create({**desk(), "materials": FRAMES, "areas": ["K"]})
    back = op.filings.submit(framed["id"])
    assert back["areas"][0]["status"] == "returned"
    assert "does not qualify" in back["areas"][0]["review_remark"]
