"""The change feed's paging, and what a smart approval leaves on the certificate."""

from __future__ import annotations

from coo_lab import samples
from coo_lab.server.feed import MAX_PAGE

from .test_smoke import SERVER_OWNED

V1 = "/api/v1"


def test_a_full_page_says_there_is_more(api) -> None:
    op = api.as_("hx_operator")
    total = len(op.get(f"{V1}/changes", params={"limit": MAX_PAGE}).json()["changes"])
    for i in range(MAX_PAGE - total + 5):  # push the feed past one maximal page
        r = op.post(f"{V1}/special-clauses", json={"code": f"SC{i:04d}", "text": f"clause {i}"})
        assert r.status_code == 201, r.text
    first = op.get(f"{V1}/changes", params={"limit": MAX_PAGE}).json()
    assert len(first["changes"]) == MAX_PAGE and first["has_more"] is True
    rest = op.get(f"{V1}/changes", params={"after": first["next_after"], "limit": MAX_PAGE})
    assert rest.json()["has_more"] is False and len(rest.json()["changes"]) >= 5


def test_smart_approval_clears_the_findings_of_an_earlier_return(api) -> None:
    op = api.as_("ln_operator")
    cert = samples.certificate("C")
    body = cert.model_dump(mode="json", exclude=SERVER_OWNED - {"exporter"})
    body |= {
        "hand_signer": "赵云",
        "exporter": {**body["exporter"], "name_en": "LIAONING NORTHERN MACHINERY CO., LTD."},
    }
    created = op.post(f"{V1}/certificates", json=body).json()
    goods = cert.model_dump(mode="json")["goods"]
    bad = [{**goods[0], "description": "PARTS"}, *goods[1:]]
    saved = op.put(
        f"{V1}/certificates/{created['id']}/goods", json={"goods": bad}, headers={"If-Match": "1"}
    ).json()
    returned = op.post(f"{V1}/certificates/{created['id']}/submit").json()
    assert returned["status"] == "returned" and returned["findings"]
    fixed = op.put(
        f"{V1}/certificates/{created['id']}/goods",
        json={"goods": goods},
        headers={"If-Match": str(returned["version"])},
    )
    assert fixed.status_code == 200, (saved["version"], fixed.text)
    approved = op.post(f"{V1}/certificates/{created['id']}/submit").json()
    assert approved["status"] == "approved" and approved["findings"] == []
    assert op.get(f"{V1}/certificates/{created['id']}").json()["findings"] == []
