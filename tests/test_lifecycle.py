"""The certificate and product-filing lifecycles (DOMAIN.md §4): every allowed and every
disallowed (status, action) pair."""

from __future__ import annotations

import itertools

import pytest

from coo_lab.domain.lifecycle import (
    CERTIFICATE_TRANSITIONS,
    FILING_TRANSITIONS,
    CertificateAction,
    CertificateStatus,
    FilingAction,
    FilingStatus,
    certificate_actions,
    certificate_transition,
    filing_transition,
    is_editable,
    is_live,
)
from coo_lab.errors import CooLabError, IllegalTransition

S, A = CertificateStatus, CertificateAction
F, FA = FilingStatus, FilingAction

# The lifecycle as DOMAIN.md §4 describes it, written out by hand.
EXPECTED_CERTIFICATE = {
    (S.DRAFT, A.SAVE): S.DRAFT,
    (S.DRAFT, A.DELETE): None,
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.RETURN): S.RETURNED,
    (S.RETURNED, A.SAVE): S.RETURNED,
    (S.RETURNED, A.SUBMIT): S.SUBMITTED,
    (S.APPROVED, A.PRINT): S.PRINTED,
    (S.APPROVED, A.AMEND_REISSUE): S.APPROVED,  # the original stays until the reissue is approved
    (S.APPROVED, A.VOID): S.VOID,
    (S.PRINTED, A.PRINT): S.PRINTED,  # reprints
    (S.PRINTED, A.AMEND_REISSUE): S.PRINTED,
    (S.PRINTED, A.VOID): S.VOID,
}
EXPECTED_FILING = {
    (F.DRAFT, FA.SAVE): F.DRAFT,
    (F.DRAFT, FA.DELETE): None,
    (F.DRAFT, FA.SUBMIT): F.SUBMITTED,
    (F.SUBMITTED, FA.APPROVE): F.APPROVED,
    (F.SUBMITTED, FA.RETURN): F.RETURNED,
    (F.RETURNED, FA.SAVE): F.RETURNED,
    (F.RETURNED, FA.SUBMIT): F.SUBMITTED,
}


def _flatten(table):
    return {(s, a): nxt for s, actions in table.items() for a, nxt in actions.items()}


def test_tables_are_what_the_domain_says() -> None:
    assert _flatten(CERTIFICATE_TRANSITIONS) == EXPECTED_CERTIFICATE
    assert _flatten(FILING_TRANSITIONS) == EXPECTED_FILING
    assert set(CERTIFICATE_TRANSITIONS) == set(CertificateStatus)
    assert set(FILING_TRANSITIONS) == set(FilingStatus)


@pytest.mark.parametrize(
    ("status", "action"),
    list(EXPECTED_CERTIFICATE),
    ids=[f"{s.value}-{a.value}" for s, a in EXPECTED_CERTIFICATE],
)
def test_allowed_certificate_transition(status, action) -> None:
    expected = EXPECTED_CERTIFICATE[(status, action)]
    assert certificate_transition(status, action) == expected
    # plain strings work as well as the enums
    assert certificate_transition(status.value, action.value) == expected


@pytest.mark.parametrize(
    ("status", "action"),
    list(EXPECTED_FILING),
    ids=[f"{s.value}-{a.value}" for s, a in EXPECTED_FILING],
)
def test_allowed_filing_transition(status, action) -> None:
    expected = EXPECTED_FILING[(status, action)]
    assert filing_transition(status, action) == expected
    assert filing_transition(status.value, action.value) == expected


CERT_DISALLOWED = [
    (s, a)
    for s, a in itertools.product(CertificateStatus, CertificateAction)
    if (s, a) not in EXPECTED_CERTIFICATE
]
FILING_DISALLOWED = [
    (s, a)
    for s, a in itertools.product(FilingStatus, FilingAction)
    if (s, a) not in EXPECTED_FILING
]


def test_disallowed_lists_are_complete() -> None:
    assert len(CERT_DISALLOWED) == len(CertificateStatus) * len(CertificateAction) - 13
    assert len(FILING_DISALLOWED) == len(FilingStatus) * len(FilingAction) - 7


def _assert_illegal(
    exc: IllegalTransition, kind: str, status: str, action: str, allowed: list[str]
) -> None:
    assert isinstance(exc, CooLabError)
    assert exc.status_code == 409
    assert (exc.kind, exc.state, exc.action) == (kind, status, action)
    assert exc.allowed == allowed
    for text in (exc.message_en, exc.message_zh, str(exc)):
        assert f"`{status}`" in text
        assert action in text
        for name in allowed:
            assert name in text
    if not allowed:
        assert "none" in exc.message_en
    assert "不能执行" in exc.message_zh and "cannot" in exc.message_en


@pytest.mark.parametrize(
    ("status", "action"), CERT_DISALLOWED, ids=[f"{s.value}-{a.value}" for s, a in CERT_DISALLOWED]
)
def test_disallowed_certificate_transition(status, action) -> None:
    with pytest.raises(IllegalTransition) as info:
        certificate_transition(status.value, action.value)
    allowed = [a.value for a in CERTIFICATE_TRANSITIONS[status]]
    _assert_illegal(info.value, "certificate", status.value, action.value, allowed)


@pytest.mark.parametrize(
    ("status", "action"),
    FILING_DISALLOWED,
    ids=[f"{s.value}-{a.value}" for s, a in FILING_DISALLOWED],
)
def test_disallowed_filing_transition(status, action) -> None:
    with pytest.raises(IllegalTransition) as info:
        filing_transition(status.value, action.value)
    allowed = [a.value for a in FILING_TRANSITIONS[status]]
    _assert_illegal(info.value, "product filing", status.value, action.value, allowed)


def test_filing_has_no_print_void_or_reissue() -> None:
    for action in ("print", "void", "amend_reissue"):
        with pytest.raises(IllegalTransition):
            filing_transition("approved", action)


@pytest.mark.parametrize("action", ["publish", "", "SUBMIT", "Save"])
def test_unknown_action(action: str) -> None:
    with pytest.raises(IllegalTransition) as info:
        certificate_transition("draft", action)
    _assert_illegal(info.value, "certificate", "draft", action, ["save", "delete", "submit"])
    with pytest.raises(IllegalTransition) as info:
        filing_transition("returned", action)
    _assert_illegal(info.value, "product filing", "returned", action, ["save", "submit"])


@pytest.mark.parametrize("status", ["archived", "", "DRAFT"])
def test_unknown_status(status: str) -> None:
    with pytest.raises(IllegalTransition) as info:
        certificate_transition(status, "submit")
    exc = info.value
    assert exc.status_code == 409
    assert exc.state == status and exc.action == "submit"
    assert f"`{status}`" in str(exc)
    # it says which statuses exist
    assert exc.allowed == [s.value for s in CertificateStatus]
    with pytest.raises(IllegalTransition) as info:
        filing_transition(status, "submit")
    assert info.value.allowed == [s.value for s in FilingStatus]


def test_delete_only_from_draft() -> None:
    assert certificate_transition("draft", "delete") is None
    assert filing_transition("draft", "delete") is None
    for status in CertificateStatus:
        if status != S.DRAFT:
            with pytest.raises(IllegalTransition):
                certificate_transition(status, "delete")
    for status in FilingStatus:
        if status != F.DRAFT:
            with pytest.raises(IllegalTransition):
                filing_transition(status, "delete")
    deleting = [(s, a) for (s, a), nxt in EXPECTED_CERTIFICATE.items() if nxt is None]
    assert deleting == [(S.DRAFT, A.DELETE)]


def test_void_is_final() -> None:
    assert certificate_actions("void") == []
    for action in CertificateAction:
        with pytest.raises(IllegalTransition) as info:
            certificate_transition("void", action)
        assert info.value.allowed == []
        assert "none" in info.value.message_en


def test_approved_filing_area_is_final() -> None:
    for action in FilingAction:
        with pytest.raises(IllegalTransition):
            filing_transition("approved", action)


def test_a_whole_life() -> None:
    status = S.DRAFT
    for action in (
        "save",
        "submit",
        "return",
        "save",
        "submit",
        "approve",
        "print",
        "print",
        "void",
    ):
        status = certificate_transition(status, action)
    assert status == S.VOID


def test_is_live() -> None:
    assert {s for s in CertificateStatus if is_live(s)} == set(CertificateStatus) - {S.VOID}
    assert is_live("draft")
    assert not is_live("void")


def test_is_editable() -> None:
    assert {s for s in CertificateStatus if is_editable(s)} == {S.DRAFT, S.RETURNED}
    assert is_editable("returned")
    assert not is_editable("approved")


@pytest.mark.parametrize("status", list(CertificateStatus))
def test_certificate_actions(status) -> None:
    actions = certificate_actions(status.value)
    assert actions == list(CERTIFICATE_TRANSITIONS[status])
    assert set(actions) == {a for s, a in EXPECTED_CERTIFICATE if s == status}
    assert all(isinstance(a, CertificateAction) for a in actions)


def test_certificate_actions_examples() -> None:
    assert certificate_actions("draft") == ["save", "delete", "submit"]
    assert certificate_actions("submitted") == ["approve", "return"]
    assert certificate_actions("printed") == ["print", "amend_reissue", "void"]


def test_status_labels() -> None:
    assert S.DRAFT.label_zh == "暂存"
    assert S.VOID.label_zh == "已作废"
    assert F.RETURNED.label_zh == "退回"
    assert all(s.label_zh for s in CertificateStatus)
    assert all(s.label_zh for s in FilingStatus)
