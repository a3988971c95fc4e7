"""The authority: the two CCPIT offices and their reviewers."""

from __future__ import annotations

OFFICES = (
    ("210200", "CCPIT DALIAN SUB-COUNCIL", "中国国际贸易促进委员会大连市分会", "DALIAN, CHINA"),
    ("210100", "CCPIT SHENYANG SUB-COUNCIL", "中国国际贸易促进委员会沈阳市分会", "SHENYANG, CHINA"),
)
REVIEWERS = (  # username, office, display name, share of the office's reviews
    ("reviewer_dalian", "210200", "刘洋（大连贸促会签证科）", 0.6),
    ("reviewer_dalian2", "210200", "陈静（大连贸促会签证科）", 0.4),
    ("reviewer_shenyang", "210100", "赵立新（沈阳贸促会签证科）", 1.0),
)
OFFICE_PLACES = {code: place for code, _en, _cn, place in OFFICES}
"""The place an office prints in box 12 (signing place), by its code."""
