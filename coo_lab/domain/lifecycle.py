"""The lifecycle of a certificate and of a product-filing area (DOMAIN.md §4).

A transition is looked up, never inferred: an action the current status does not allow
raises ``IllegalTransition`` saying which actions that status does allow.
"""

from __future__ import annotations

from enum import StrEnum

from coo_lab.errors import IllegalTransition


class CertificateStatus(StrEnum):
    DRAFT = "draft"  # 暂存
    SUBMITTED = "submitted"  # 已申报
    APPROVED = "approved"  # 审核通过/已签发
    RETURNED = "returned"  # 退回
    PRINTED = "printed"  # 已打印
    VOID = "void"  # 已作废

    @property
    def label_zh(self) -> str:
        return _CERT_LABELS_ZH[self]


_CERT_LABELS_ZH = {
    CertificateStatus.DRAFT: "暂存",
    CertificateStatus.SUBMITTED: "已申报",
    CertificateStatus.APPROVED: "审核通过",
    CertificateStatus.RETURNED: "退回",
    CertificateStatus.PRINTED: "已打印",
    CertificateStatus.VOID: "已作废",
}


class FilingStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"

    @property
    def label_zh(self) -> str:
        return {"draft": "暂存", "submitted": "已申报", "approved": "审核通过", "returned": "退回"}[
            self.value
        ]


class CertificateAction(StrEnum):
    SAVE = "save"  # 保存 (edit a draft or a returned certificate)
    DELETE = "delete"  # 删除 (drafts only)
    SUBMIT = "submit"  # 申报
    APPROVE = "approve"  # 审核通过 (authority)
    RETURN = "return"  # 退回 (authority)
    PRINT = "print"  # 打印 (first print and reprints)
    AMEND_REISSUE = "amend_reissue"  # 改证重发: makes a new certificate, original stays
    VOID = "void"  # 作废


class FilingAction(StrEnum):
    SAVE = "save"
    DELETE = "delete"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


_S, _A = CertificateStatus, CertificateAction
CERTIFICATE_TRANSITIONS: dict[
    CertificateStatus, dict[CertificateAction, CertificateStatus | None]
] = {
    _S.DRAFT: {_A.SAVE: _S.DRAFT, _A.DELETE: None, _A.SUBMIT: _S.SUBMITTED},
    _S.SUBMITTED: {_A.APPROVE: _S.APPROVED, _A.RETURN: _S.RETURNED},
    _S.RETURNED: {_A.SAVE: _S.RETURNED, _A.SUBMIT: _S.SUBMITTED},
    _S.APPROVED: {_A.PRINT: _S.PRINTED, _A.AMEND_REISSUE: _S.APPROVED, _A.VOID: _S.VOID},
    _S.PRINTED: {_A.PRINT: _S.PRINTED, _A.AMEND_REISSUE: _S.PRINTED, _A.VOID: _S.VOID},
    _S.VOID: {},
}
"""status → action → next status; ``None`` means the record is removed (only a draft can be
deleted). Amend-reissue leaves the original as it is: the original becomes void only when the
reissued certificate is approved."""

_F, _FA = FilingStatus, FilingAction
FILING_TRANSITIONS: dict[FilingStatus, dict[FilingAction, FilingStatus | None]] = {
    _F.DRAFT: {_FA.SAVE: _F.DRAFT, _FA.DELETE: None, _FA.SUBMIT: _F.SUBMITTED},
    _F.SUBMITTED: {_FA.APPROVE: _F.APPROVED, _FA.RETURN: _F.RETURNED},
    _F.RETURNED: {_FA.SAVE: _F.RETURNED, _FA.SUBMIT: _F.SUBMITTED},
    _F.APPROVED: {},
}


def certificate_transition(status: str, action: str) -> CertificateStatus | None:
    """The status a certificate moves to (``None``: deleted); ``IllegalTransition`` if not
    allowed."""
    return _next(
        "certificate", CERTIFICATE_TRANSITIONS, CertificateStatus, CertificateAction, status, action
    )


def filing_transition(status: str, action: str) -> FilingStatus | None:
    """The status a product-filing area moves to (``None``: deleted); ``IllegalTransition`` if
    not allowed."""
    return _next("product filing", FILING_TRANSITIONS, FilingStatus, FilingAction, status, action)


def certificate_actions(status: str) -> list[CertificateAction]:
    """What a user may do with a certificate in that status (for buttons and messages)."""
    return list(CERTIFICATE_TRANSITIONS[CertificateStatus(status)])


def is_live(status: str) -> bool:
    """A certificate that still counts: not void (used by the duplicate-invoice rule)."""
    return status != CertificateStatus.VOID


def is_editable(status: str) -> bool:
    return CertificateAction.SAVE in CERTIFICATE_TRANSITIONS[CertificateStatus(status)]


def _next(kind, table, status_enum, action_enum, status, action):
    try:
        state = status_enum(status)
    except ValueError:
        raise IllegalTransition(
            kind, str(status), str(action), [s.value for s in status_enum]
        ) from None
    allowed = table[state]
    try:
        act = action_enum(action)
    except ValueError:
        act = None
    if act is None or act not in allowed:
        raise IllegalTransition(kind, state.value, str(action), [a.value for a in allowed])
    return allowed[act]
