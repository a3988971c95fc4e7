"""The service's schema, as numbered migrations applied in order at start.

Documents (certificates, base records, filings) are stored whole as JSON in ``doc`` with the
columns that queries filter and sort on beside it, so the model stays the single definition
of a certificate and the SQL stays small and portable. Never edit a released migration:
add the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PerDialect:
    """A statement that each store writes in its own SQL (e.g. reading JSON documents)."""

    sqlite: str
    postgresql: str


def _flatten_recorded(tx: Any) -> None:
    """The rows of the changes a store recorded before migration 8."""
    from coo_lab.server.feed import flatten_recorded

    flatten_recorded(tx)


Migration = str | PerDialect | Callable[[Any], None]  # a callable step gets the transaction
MIGRATIONS: list[tuple[int, list[Migration]]] = [
    (
        1,
        [
            """CREATE TABLE offices (
                id INTEGER PRIMARY KEY,
                ccpit_code TEXT NOT NULL UNIQUE,
                name_en TEXT NOT NULL,
                name_cn TEXT NOT NULL,
                place TEXT NOT NULL
            )""",
            """CREATE TABLE registry_enterprises (
                id INTEGER PRIMARY KEY,
                enterprise_code TEXT NOT NULL UNIQUE,
                ccpit_code TEXT NOT NULL,
                name_en TEXT NOT NULL,
                name_cn TEXT NOT NULL DEFAULT '',
                review_policy TEXT NOT NULL DEFAULT 'manual',
                registered_at TEXT NOT NULL
            )""",
            """CREATE TABLE registry_signers (
                id INTEGER PRIMARY KEY,
                enterprise_id INTEGER NOT NULL REFERENCES registry_enterprises(id),
                name TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'active',
                registered_on TEXT,
                UNIQUE (enterprise_id, name)
            )""",
            """CREATE TABLE companies (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                enterprise_code TEXT UNIQUE,
                ccpit_code TEXT,
                hand_signer TEXT,
                filed_at TEXT,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                company_id INTEGER REFERENCES companies(id),
                office_id INTEGER REFERENCES offices(id),
                display_name TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE tokens (
                id INTEGER PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                user_id INTEGER NOT NULL REFERENCES users(id),
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )""",
            """CREATE TABLE login_attempts (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL,
                at TEXT NOT NULL,
                success INTEGER NOT NULL
            )""",
            "CREATE INDEX login_attempts_user ON login_attempts (username, at)",
            """CREATE TABLE base_records (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                kind TEXT NOT NULL,
                code TEXT NOT NULL,
                name TEXT NOT NULL DEFAULT '',
                version INTEGER NOT NULL,
                doc TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (company_id, kind, code)
            )""",
            """CREATE TABLE certificates (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                cert_type TEXT NOT NULL,
                category TEXT NOT NULL,
                status TEXT NOT NULL,
                version INTEGER NOT NULL,
                internal_number TEXT NOT NULL UNIQUE,
                certificate_number TEXT UNIQUE,
                original_id INTEGER REFERENCES certificates(id),
                invoice_number TEXT NOT NULL DEFAULT '',
                invoice_date TEXT,
                hand_signer TEXT NOT NULL DEFAULT '',
                importer_name TEXT NOT NULL DEFAULT '',
                destination_country TEXT,
                fob_usd TEXT,
                print_count INTEGER NOT NULL DEFAULT 0,
                void_reason TEXT NOT NULL DEFAULT '',
                findings TEXT NOT NULL DEFAULT '[]',
                created_by INTEGER REFERENCES users(id),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                submitted_at TEXT,
                approved_at TEXT,
                doc TEXT NOT NULL
            )""",
            "CREATE INDEX certificates_company ON certificates (company_id, status, cert_type)",
            "CREATE INDEX certificates_invoice ON certificates (company_id, invoice_number)",
            "CREATE INDEX certificates_queue ON certificates (status, submitted_at)",
            """CREATE TABLE product_filings (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                hs_code TEXT NOT NULL,
                name_en TEXT NOT NULL,
                name_cn TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                submitted_at TEXT,
                doc TEXT NOT NULL
            )""",
            "CREATE INDEX product_filings_company ON product_filings (company_id, status)",
            """CREATE TABLE receipts (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                kind TEXT NOT NULL,
                document_id INTEGER NOT NULL,
                document_number TEXT NOT NULL DEFAULT '',
                from_status TEXT,
                to_status TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL,
                reason TEXT NOT NULL DEFAULT '',
                findings TEXT NOT NULL DEFAULT '[]'
            )""",
            "CREATE INDEX receipts_document ON receipts (kind, document_id)",
            "CREATE INDEX receipts_company ON receipts (company_id, at)",
            """CREATE TABLE announcements (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                published_on TEXT NOT NULL,
                publisher TEXT NOT NULL,
                body TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE changes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                company_id INTEGER NOT NULL,
                entity TEXT NOT NULL,
                entity_id INTEGER NOT NULL,
                op TEXT NOT NULL,
                version INTEGER NOT NULL,
                at TEXT NOT NULL,
                data TEXT
            )""",
            "CREATE INDEX changes_company ON changes (company_id, seq)",
            """CREATE TABLE idempotency_keys (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL,
                key TEXT NOT NULL,
                request_hash TEXT NOT NULL,
                status_code INTEGER NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                UNIQUE (user_id, key)
            )""",
            """CREATE TABLE counters (
                id INTEGER PRIMARY KEY,
                series TEXT NOT NULL UNIQUE,
                value INTEGER NOT NULL
            )""",
        ],
    ),
    (
        2,
        [
            # what the authority may see of an enterprise's changes: submitted documents and
            # their receipts, never drafts or base data
            "ALTER TABLE changes ADD COLUMN authority INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX changes_authority ON changes (authority, company_id, seq)",
        ],
    ),
    (
        3,
        [
            # self-print: every print of a certificate (who, when, which copy, what bytes)
            """CREATE TABLE print_log (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                certificate_id INTEGER NOT NULL REFERENCES certificates(id),
                certificate_number TEXT NOT NULL,
                copy_no INTEGER NOT NULL,
                printed_by TEXT NOT NULL,
                printed_at TEXT NOT NULL,
                size INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                UNIQUE (certificate_id, copy_no)
            )""",
            # supporting documents (佐证材料), stored with their row; a deleted draft takes
            # its documents with it
            """CREATE TABLE supporting_documents (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                certificate_id INTEGER NOT NULL
                    REFERENCES certificates(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                content BLOB NOT NULL,
                uploaded_by TEXT NOT NULL,
                uploaded_at TEXT NOT NULL
            )""",
            "CREATE INDEX supporting_documents_certificate "
            "ON supporting_documents (certificate_id)",
        ],
    ),
    (
        4,
        [
            # product filing (商品备案): one row per area beside the filing's document, so the
            # reviewer's queue, the goods-line picker and the filing numbers are plain queries;
            # an enterprise can never hold a filing number (申请备案号) twice
            """CREATE TABLE filing_areas (
                id INTEGER PRIMARY KEY,
                filing_id INTEGER NOT NULL REFERENCES product_filings(id) ON DELETE CASCADE,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                agreement TEXT NOT NULL,
                status TEXT NOT NULL,
                criterion TEXT NOT NULL DEFAULT '',
                filing_number TEXT,
                submitted_at TEXT,
                reviewed_at TEXT,
                UNIQUE (filing_id, agreement),
                UNIQUE (company_id, filing_number)
            )""",
            "CREATE INDEX filing_areas_usable ON filing_areas (company_id, agreement, status)",
            "CREATE INDEX filing_areas_queue ON filing_areas (status, submitted_at)",
            # the areas of filings stored before this migration
            PerDialect(
                sqlite="""INSERT INTO filing_areas (filing_id, company_id, agreement, status,
                       criterion, filing_number, submitted_at, reviewed_at)
                   SELECT p.id, p.company_id, json_extract(a.value, '$.agreement'),
                          json_extract(a.value, '$.status'),
                          COALESCE(json_extract(a.value, '$.criterion'), ''),
                          json_extract(a.value, '$.filing_number'),
                          json_extract(a.value, '$.submitted_at'),
                          json_extract(a.value, '$.reviewed_at')
                   FROM product_filings p, json_each(p.doc, '$.areas') a
                   WHERE json_valid(p.doc)""",
                postgresql="""INSERT INTO filing_areas (filing_id, company_id, agreement,
                       status, criterion, filing_number, submitted_at, reviewed_at)
                   SELECT p.id, p.company_id, a ->> 'agreement', a ->> 'status',
                          COALESCE(a ->> 'criterion', ''), a ->> 'filing_number',
                          a ->> 'submitted_at', a ->> 'reviewed_at'
                   FROM product_filings p, jsonb_array_elements(p.doc::jsonb -> 'areas') a""",
            ),
            # where a filing came from: the enterprise's own declaration (enterprise), or
            # "sync product filings" from what the authority holds (authority)
            "ALTER TABLE product_filings ADD COLUMN source TEXT NOT NULL DEFAULT 'enterprise'",
            "CREATE INDEX product_filings_hs ON product_filings (company_id, hs_code)",
            # filings the authority holds for an enterprise (filed at its counter or through
            # the old channel), approved; "sync product filings" imports the missing ones
            """CREATE TABLE authority_filings (
                id INTEGER PRIMARY KEY,
                enterprise_code TEXT NOT NULL,
                ccpit_code TEXT NOT NULL,
                hs_code TEXT NOT NULL,
                name_en TEXT NOT NULL,
                approved_at TEXT NOT NULL,
                recorded_by TEXT NOT NULL,
                doc TEXT NOT NULL
            )""",
            "CREATE INDEX authority_filings_enterprise ON authority_filings (enterprise_code)",
            # the enterprise's copy of its registration and hand-signers ("sync enterprise
            # info"); the document is an EnterpriseFiling
            """CREATE TABLE company_profiles (
                company_id INTEGER PRIMARY KEY REFERENCES companies(id),
                version INTEGER NOT NULL,
                synced_at TEXT NOT NULL,
                doc TEXT NOT NULL
            )""",
            # data sync (数据同步): one history row per run
            """CREATE TABLE data_sync_runs (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                sync_type TEXT NOT NULL,
                status TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                requested_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                count INTEGER NOT NULL DEFAULT 0,
                remark TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX data_sync_runs_company ON data_sync_runs (company_id, id)",
        ],
    ),
    (
        5,
        [
            # status push (状态推送): who wants to hear of which documents' status changes, how
            """CREATE TABLE push_subscriptions (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                owner_id INTEGER NOT NULL REFERENCES users(id),
                mode TEXT NOT NULL,
                channel TEXT NOT NULL,
                content TEXT NOT NULL,
                document_number TEXT,
                document_id INTEGER,
                person_id INTEGER REFERENCES users(id),
                target TEXT NOT NULL,
                secret TEXT,
                active INTEGER NOT NULL DEFAULT 1,
                version INTEGER NOT NULL DEFAULT 1,
                from_seq INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                cancelled_at TEXT,
                cancelled_by TEXT
            )""",
            "CREATE INDEX push_subscriptions_company ON push_subscriptions (company_id, active)",
            # one delivery per (subscription, change): the feed may be read twice, never sent twice
            """CREATE TABLE push_deliveries (
                id INTEGER PRIMARY KEY,
                delivery_id TEXT NOT NULL UNIQUE,
                subscription_id INTEGER NOT NULL REFERENCES push_subscriptions(id),
                company_id INTEGER NOT NULL,
                change_seq INTEGER NOT NULL,
                receipt_id INTEGER NOT NULL,
                channel TEXT NOT NULL,
                target TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT NOT NULL,
                claimed_until TEXT,
                last_error TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                delivered_at TEXT,
                UNIQUE (subscription_id, change_seq)
            )""",
            "CREATE INDEX push_deliveries_due ON push_deliveries (status, next_attempt_at)",
            "CREATE INDEX push_deliveries_company ON push_deliveries (company_id, id)",
            """CREATE TABLE push_attempts (
                id INTEGER PRIMARY KEY,
                delivery_row INTEGER NOT NULL REFERENCES push_deliveries(id),
                attempt INTEGER NOT NULL,
                at TEXT NOT NULL,
                ok INTEGER NOT NULL,
                status_code INTEGER,
                error TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX push_attempts_delivery ON push_attempts (delivery_row, attempt)",
            # the default SMS and WeChat provider: messages kept in the service, listed by the API
            """CREATE TABLE push_outbox (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL,
                channel TEXT NOT NULL,
                address TEXT NOT NULL,
                purpose TEXT NOT NULL,
                text TEXT NOT NULL,
                delivery_id TEXT,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX push_outbox_company ON push_outbox (company_id, id)",
            # a user's phone (SMS) or WeChat account, bound with a verification code
            """CREATE TABLE push_bindings (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                user_id INTEGER NOT NULL REFERENCES users(id),
                channel TEXT NOT NULL,
                address TEXT NOT NULL,
                status TEXT NOT NULL,
                code_hash TEXT,
                code_sent_at TEXT,
                code_expires_at TEXT,
                tries INTEGER NOT NULL DEFAULT 0,
                version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                bound_at TEXT,
                UNIQUE (user_id, channel, address)
            )""",
            # the dispatcher's place in the change feed: it starts at the feed's end
            """CREATE TABLE push_cursor (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL
            )""",
            "INSERT INTO push_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM changes",
        ],
    ),
    (
        6,
        [
            # the audit trail of corrections: who changed which field of which document, when,
            # from what to what (values as JSON); entries outlive the document they describe
            """CREATE TABLE audit_entries (
                id INTEGER PRIMARY KEY,
                company_id INTEGER NOT NULL REFERENCES companies(id),
                entity TEXT NOT NULL,
                entity_id INTEGER NOT NULL,
                document_number TEXT NOT NULL DEFAULT '',
                version INTEGER NOT NULL,
                field TEXT NOT NULL,
                before TEXT NOT NULL,
                after TEXT NOT NULL,
                user_id INTEGER REFERENCES users(id),
                actor TEXT NOT NULL,
                at TEXT NOT NULL,
                batch TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX audit_entries_company ON audit_entries (company_id, at)",
            "CREATE INDEX audit_entries_entity ON audit_entries (company_id, entity, entity_id)",
        ],
    ),
    (
        7,
        [
            # the service's own secrets, made once per store (a copy takes the source's):
            # ``verification`` keys the check codes printed with every certificate's QR code
            """CREATE TABLE service_keys (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            PerDialect(
                sqlite="INSERT INTO service_keys (name, value) "
                "VALUES ('verification', lower(hex(randomblob(32))))",
                postgresql="INSERT INTO service_keys (name, value) VALUES ('verification', "
                "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))",
            ),
        ],
    ),
    (
        8,
        [
            # the feed's row form (coo_lab.domain.feed_rows): each change's document flattened
            # once, when it is recorded, into the rows the workbench's DuckDB mirror keeps;
            # company and authority as in ``changes``, for the same visibility
            PerDialect(
                sqlite="""CREATE TABLE feed_rows (
                    seq INTEGER PRIMARY KEY,
                    company_id INTEGER NOT NULL,
                    authority INTEGER NOT NULL,
                    rows TEXT NOT NULL
                )""",
                postgresql="""CREATE TABLE feed_rows (
                    seq BIGINT PRIMARY KEY,
                    company_id BIGINT NOT NULL,
                    authority BIGINT NOT NULL,
                    rows TEXT NOT NULL
                )""",
            ),
            "CREATE INDEX feed_rows_company ON feed_rows (company_id, seq)",
            "CREATE INDEX feed_rows_authority ON feed_rows (authority, company_id, seq)",
            _flatten_recorded,
        ],
    ),
]
