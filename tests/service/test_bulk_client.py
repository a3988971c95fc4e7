"""Bulk work from the client against the real service on a loopback port: sheets into
certificates (dry run, idempotent creation, findings at their rows), corrections with their
diff, audit trail and per-row outcomes."""

from __future__ import annotations

import pandas as pd
import pytest

from coo_lab import samples
from coo_lab.client import Client
from coo_lab.errors import ValidationFailed
from coo_lab.rows import to_rows

from . import store
from .test_isolation import snapshot


@pytest.fixture
def op(live) -> Client:
    return Client(live.url, username="hx_operator", password="pw-hx_operator")


def sheet(*specs: tuple[str, str]) -> pd.DataFrame:
    """Rows of sample certificates (type, invoice), indexed from 100 like a user's frame."""
    rows = []
    for cert_type, invoice in specs:
        cert = samples.certificate(cert_type)
        cert.invoice_number = invoice
        rows += to_rows(cert)
    return pd.DataFrame(rows, index=range(100, 100 + len(rows)))


def test_a_dry_run_reports_per_certificate_and_per_row_and_writes_nothing(op, db_path) -> None:
    frame = sheet(("K", "D-1"), ("C", "D-2"), ("E", "D-3"), ("A", "D-4"))
    # D-1: a goods line too generic for the authority (a rule finding, at its row)
    frame.loc[101, "goods.description"] = "PARTS"
    # D-2: an HS code that is not one (a model error: D-2 cannot be created)
    frame.loc[104, "goods.hs_code"] = "12"
    # D-3: its rows disagree on the destination (a sheet error)
    d3 = frame.index[frame["invoice_number"] == "D-3"]
    frame.loc[d3[-1], "destination_country"] = "JPN"
    before = snapshot(db_path)
    report = op.bulk_create(frame)
    assert snapshot(db_path) == before
    certs = report.certificates.set_index("invoice_number")
    assert certs["outcome"].to_dict() == {
        "D-1": "would_create",
        "D-2": "invalid",
        "D-3": "invalid",
        "D-4": "would_create",
    }
    assert certs.loc["D-1", "rows"] == [100, 101, 102] and certs.loc["D-1", "lines"] == 3
    assert certs["id"].isna().all() and not report.ok
    found = report.findings.set_index("code")
    generic = found.loc["CO-GOODS-004"]
    assert (generic["row"], generic["column"], generic["header"]) == (
        101,
        "goods.description",
        "货物描述",
    )
    assert generic["severity"] == "error" and generic["value"] == "PARTS"
    assert generic["invoice_number"] == "D-1" and "PARTS" in generic["message_en"]
    bad_hs = found.loc["CO-FORMAT-001"]
    assert (bad_hs["row"], bad_hs["column"], bad_hs["value"]) == (104, "goods.hs_code", "12")
    assert bad_hs["field"] == "goods.1.hs_code" and "6、8或10位" in bad_hs["message_zh"]
    rows_disagree = found.loc["BULK-ROWS-002"]
    assert (rows_disagree["row"], rows_disagree["column"]) == (d3[-1], "destination_country")
    assert "4 certificate(s)" in repr(report) and "2 would_create, 2 invalid" in repr(report)


def test_creating_is_idempotent_and_bad_certificates_are_never_half_made(op, db_path) -> None:
    frame = sheet(("K", "I-1"), ("C", "I-2"), ("X", "I-3"))
    frame.loc[104, "goods.unit"] = "9999"  # I-2's second line: not a unit code
    done = op.bulk_create(frame, dry_run=False)
    outcomes = done.certificates.set_index("invoice_number")["outcome"].to_dict()
    assert outcomes == {"I-1": "created", "I-2": "invalid", "I-3": "created"}
    assert len(done.ids) == 2
    listed = op.certificates.list()
    assert sorted(listed["invoice_number"]) == ["I-1", "I-3"]  # nothing of I-2, not even its basics
    for cert_id, invoice in zip(done.ids, ["I-1", "I-3"], strict=True):
        cert = op.certificates.get(cert_id)
        assert cert.status == "draft" and cert.invoice_number == invoice
        assert len(cert.goods) == (frame["invoice_number"] == invoice).sum()
    before = snapshot(db_path)
    again = op.bulk_create(frame, dry_run=False)
    assert snapshot(db_path)["certificates"] == before["certificates"]
    assert again.certificates.set_index("invoice_number")["outcome"].to_dict() == {
        "I-1": "exists",
        "I-2": "invalid",
        "I-3": "exists",
    }
    assert again.ids == done.ids
    # the sheet fixed: only the certificate that was missing is made
    frame.loc[104, "goods.unit"] = "035"
    fixed = op.bulk_create(frame, dry_run=False)
    assert fixed.certificates["outcome"].tolist() == ["exists", "created", "exists"]
    assert len(op.certificates.list()) == 3


def test_many_certificates_go_in_chunks_with_one_refused_item_per_chunk(op) -> None:
    frame = sheet(*[("C", f"CH-{i:02d}") for i in range(12)])
    bad = frame.index[frame["invoice_number"] == "CH-07"]
    frame.loc[bad, "importer.code"] = "!"  # not a code: the service refuses that item only
    report = op.bulk_create(frame, dry_run=False, chunk_size=5)
    outcomes = report.certificates.set_index("invoice_number")["outcome"]
    assert outcomes["CH-07"] == "invalid" and (outcomes.drop("CH-07") == "created").all()
    finding = report.findings.iloc[0]
    assert (finding["row"], finding["column"], finding["field"]) == (
        bad[0],
        "importer.code",
        "importer.code",
    )


def test_bad_columns_are_refused_before_anything_is_sent(op) -> None:
    frame = sheet(("C", "COL-1")).rename(columns={"importer.name_en": "importer name"})
    with pytest.raises(ValidationFailed) as refused:
        op.bulk_create(frame)
    assert refused.value.errors[0].field == "importer name"


def test_a_new_importer_address_on_300_drafts(op, live) -> None:
    """The issue's example: seen first (diff, findings), then applied against the versions
    seen — the one draft someone edited meanwhile is stale, the others are corrected."""
    created = op.bulk_create(sheet(*[("K", f"U-{i:03d}") for i in range(300)]), dry_run=False)
    ids = created.ids
    drafts = op.certificates.list().set_index("id").loc[ids, ["version"]].reset_index()
    fix = drafts.assign(**{"importer.address_en": "NO. 1 NEW PORT ROAD, BUSAN"})
    fix.index = range(10, 10 + len(fix))
    plan = op.bulk_update(fix)
    assert plan.dry_run and plan.ok
    assert plan.outcomes["outcome"].eq("would_apply").all()
    assert plan.diff[["id", "field", "after"]].values.tolist() == [
        [i, "importer.address_en", "NO. 1 NEW PORT ROAD, BUSAN"] for i in ids
    ]
    assert plan.diff["rows"].tolist() == [[r] for r in fix.index]
    assert op.audit().empty
    # someone edits one of them between the review and the apply
    other = Client(live.url, username="hx_admin", password="pw-hx_admin")
    other.bulk_update(pd.DataFrame({"id": [ids[2]], "remarks": ["checked"]}), dry_run=False)
    done = plan.apply()
    outcomes = done.outcomes.set_index("id")["outcome"]
    assert outcomes[ids[2]] == "stale" and (outcomes.drop(ids[2]) == "applied").all()
    assert not done.ok
    trail = op.audit(field="importer.address_en")
    assert sorted(trail["entity_id"]) == sorted(set(ids) - {ids[2]})
    assert set(trail["actor"]) == {"hx_operator"} and trail["batch"].nunique() == 1
    assert trail["after"].eq("NO. 1 NEW PORT ROAD, BUSAN").all()
    assert op.audit(user="hx_admin")["field"].tolist() == ["remarks"]
    assert op.certificates.get(ids[2]).importer.address_en != "NO. 1 NEW PORT ROAD, BUSAN"


def test_goods_corrections_take_a_line_number_and_rows_merge_per_certificate(op) -> None:
    (cert_id,) = op.bulk_create(sheet(("K", "G-1")), dry_run=False).ids
    fix = pd.DataFrame(
        {
            "id": [cert_id, cert_id],
            "line_no": [1, 3],
            "货物描述": ["ELECTRIC OVENS, 1500W", None],  # the header of goods.description
            "goods.marks": [None, "NEW MARKS 3"],
            "备注": ["合并修改", "合并修改"],  # remarks, the same on both rows
        }
    )
    done = op.bulk_update(fix, dry_run=False)
    assert done.outcomes["outcome"].tolist() == ["applied"]
    assert done.outcomes["rows"].tolist() == [[0, 1]]
    cert = op.certificates.get(cert_id)
    assert cert.remarks == "合并修改" and cert.goods[2].marks == "NEW MARKS 3"
    assert cert.goods[0].description == "ELECTRIC OVENS, 1500W"
    assert sorted(done.diff["field"]) == ["goods.0.description", "goods.2.marks", "remarks"]
    with pytest.raises(ValidationFailed) as refused:
        op.bulk_update(pd.DataFrame({"id": [cert_id], "goods.marks": ["X"]}))
    assert refused.value.errors[0].code == "missing_line_no"
    with pytest.raises(ValidationFailed) as contradiction:
        op.bulk_update(pd.DataFrame({"id": [cert_id, cert_id], "remarks": ["a", "b"]}))
    assert contradiction.value.errors[0].code == "contradiction"


def test_all_or_nothing_from_the_client(op) -> None:
    ids = op.bulk_create(sheet(("C", "N-1"), ("C", "N-2")), dry_run=False).ids
    fix = pd.DataFrame({"id": [ids[0], ids[1], 999_999], "remarks": ["x", "y", "z"]})
    done = op.bulk_update(fix, dry_run=False, all_or_nothing=True)
    assert done.outcomes["outcome"].tolist() == ["not_applied", "not_applied", "not_found"]
    assert [op.certificates.get(i).remarks for i in ids] == ["", ""]


def test_a_frame_whose_rows_share_labels_is_refused(op) -> None:
    frame = pd.concat([sheet(("C", "R-1")), sheet(("C", "R-2"))])  # both indexed from 100
    with pytest.raises(ValidationFailed) as refused:
        op.bulk_create(frame)
    assert refused.value.errors[0].code == "repeated_index"
    assert op.bulk_create(frame.reset_index(drop=True)).certificates["outcome"].tolist() == [
        "would_create",
        "would_create",
    ]


def test_the_same_sheet_sent_twice_at_once_creates_each_certificate_once(live, db_path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    frame = sheet(*[("C", f"T-{i:02d}") for i in range(20)])
    clients = [
        Client(live.url, username="hx_operator", password="pw-hx_operator") for _ in range(3)
    ]
    with ThreadPoolExecutor(3) as pool:
        reports = list(
            pool.map(lambda c: c.bulk_create(frame, dry_run=False, chunk_size=4), clients)
        )
    ids = [r.ids for r in reports]
    assert ids[0] == ids[1] == ids[2] and len(set(ids[0])) == 20
    outcomes = sorted(o for r in reports for o in r.certificates["outcome"])
    assert outcomes.count("created") == 20 and outcomes.count("exists") == 40
    numbers = sorted(n for (n,) in store.rows(db_path, "SELECT internal_number FROM certificates"))
    assert [int(n[-8:]) for n in numbers] == list(range(1, 21))  # gap-free
