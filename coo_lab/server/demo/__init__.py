"""A realistic demo store: two CCPIT offices, five enterprises and two years of certificates.

``build_demo(path)`` (``coo-lab demo``) fills a store as if the service had been running for
two years up to ``today``:

- the authority: CCPIT Dalian (210200, two reviewers) and CCPIT Shenyang (210100, one);
- enterprises registered with hand-signers (some cancelled), user filing done, base data
  (exporter under the registered English name, importers across the destinations,
  producers, special clauses), a first data sync (profile and history) and product filings
  approved for the agreements they export under, plus a few submitted or returned ones and a
  few the office approved at its counter, waiting to be synced: the sample enterprise of
  ``coo_lab.samples``
  (311120218, a trading house, every type), a machinery maker (review policy "automatic"),
  a seafood processor and a garment maker in Shenyang; and one registered enterprise whose
  account has not done user filing yet (xinghai);
- certificates of all 15 types (general CO about 60 %), each with its receipts and its
  change-feed entry, numbered in approval order and continued by the live service through
  the ``counters`` table: most approved and many printed, some returned by the review rules
  with their findings, some waiting in the queue, recent drafts, a few voided and a few
  amend-reissues citing the voided original.

Every row is what the service itself would have written (the documents are the models'
JSON), so the API, the review and the sync read it like their own. The same seed and
``today`` give the same certificates.

Demo logins — the password of every demo user is ``demo-<username>``:

    haixing_admin  haixing_operator  haixing_manager      DALIAN HAIXING (sample enterprise)
    ronghua_admin  ronghua_operator  ronghua_manager      machinery, automatic review
    lanwan_admin   lanwan_operator   lanwan_manager       seafood
    huamei_admin   huamei_operator   huamei_manager       garments (Shenyang)
    xinghai_admin  xinghai_operator  xinghai_manager      user filing NOT done
    reviewer_dalian  reviewer_dalian2  reviewer_shenyang  the authority

Large scales (``--scale 1000000`` for benchmarks) add enterprises (operator login
``firmNN_operator``) so that no certificate series passes its 99,999 serials; from
``BULK_SCALE`` on, a forked process writes the rows (``synchronous=OFF``; for a fresh file
also no journal, the secondary indexes built at the end) while the simulation runs. About
11 KB per certificate: the document is stored twice (row and feed), with ~4.6 receipts and
~5.6 feed entries each. ``fresh=False`` (``--keep``) adds another history to an existing
store: numbers, internal numbers and ids continue their series, but the two histories
interleave in time.

The package, from the entry point down: ``builder`` (``build_demo`` and its summary) runs
``registration`` (offices, enterprises, users; ``base_data`` and ``filings``), then the
``simulation``: ``drafting`` (what an operator declares), ``lifecycle`` (a certificate's
planned life, with the ``defects`` the review rules refuse) and ``history`` (the steps run:
receipts, feed entries, the final row), written by the ``writer``. Beneath them: the catalogue
(``offices``, ``firms``, ``products``, ``destinations``), ``declarant`` (an enterprise at build
time), ``certificate`` (a certificate being simulated), ``documents`` (compiled JSON),
``timeline`` and ``draws``.
"""

from coo_lab.server.demo.builder import DEFAULT_SCALE, build_demo
from coo_lab.server.demo.registration import PASSWORD_SCHEME, password_for

__all__ = ["DEFAULT_SCALE", "PASSWORD_SCHEME", "build_demo", "password_for"]
