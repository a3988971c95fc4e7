"""The ``coo-lab`` command.

coo-lab serve [--db PATH|URL] [--port 8700] [--workers N] [--smtp-host H …]   run the service
coo-lab demo [--db PATH] [--scale N]   fill a store with a realistic demo data set
coo-lab copy-store SOURCE TARGET   copy a store into an empty one (SQLite → PostgreSQL)
coo-lab up                   everything on localhost: service, sync, Voilà, JupyterLab
coo-lab sync --username U    mirror the service's change feed into a DuckDB file
coo-lab template PATH        write the Excel template for bulk certificate imports
coo-lab tour                 walk through the domain API on sample data
coo-lab check CERT.json      review a certificate (JSON) as the authority would
coo-lab rules                list the review rules
coo-lab origin HS FOB MATERIALS.json --to KOR   which agreements a product qualifies under
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path


def _print_findings(findings) -> None:
    if not findings:
        print("  no findings: the certificate would pass review / 审核规则全部通过")
    for f in findings:
        print(
            f"  [{f.severity.value:7}] {f.code} {f.field}\n            {f.message_en}\n"
            f"            {f.message_zh}"
        )


def cmd_tour(args: argparse.Namespace) -> int:
    from coo_lab import samples
    from coo_lab.domain import codes
    from coo_lab.domain.numbers import certificate_number
    from coo_lab.domain.origin import Product, best_agreements
    from coo_lab.domain.rules import check

    today = date.today()
    print("coo_lab — CCPIT certificates of origin / 贸促会原产地证\n")
    print("Reference data:")
    print(f"  HS 851660: {codes.hs_description('851660')}")
    print(f"  country 133: {codes.country('133').name_en} / {codes.country('133').name_cn}")
    print(
        "  ports named DALIAN: "
        + ", ".join(f"{p.locode} {p.name}" for p in codes.search_locations("DALIAN", "CN"))
    )

    hs, name, *_rest = samples.PRODUCTS[0]
    fob, materials = Decimal(samples.PRODUCTS[0][4]), samples.PRODUCTS[0][7]
    print(f"\nOrigin of {name} (HS {hs}, FOB {fob} USD) to KOR:")
    for result in best_agreements(Product(hs, fob), materials, "KOR"):
        verdict = f"qualifies, prints {result.criterion!r}" if result.qualifies else "fails"
        print(f"  {result.agreement:2}: {verdict} (RVC {result.rvc_pct}%)")

    filings = samples.product_filings()
    ctx = samples.context(today=today, filings=filings)
    cert = samples.certificate("K", today=today, filings=filings)
    print(f"\nA China–Korea certificate, invoice {cert.invoice_number}:")
    print(f"  route: {cert.transport_route}")
    _print_findings(check(cert, ctx))

    print("\nThe same certificate with three mistakes:")
    cert.goods[0].description = "PARTS"
    cert.goods[1].marks = "AS PER INVOICE"
    cert.hand_signer = "张伟"
    _print_findings(check(cert, ctx))

    number = certificate_number(today.year, "K", samples.ENTERPRISE_CODE, 1)
    print(f"\nOn approval it would be numbered {number}")
    return 0


def default_db() -> str:
    return os.environ.get("COO_LAB_DB", "data/coo_lab.sqlite")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from coo_lab.server.app import create_app
    from coo_lab.server.push import PushSettings
    from coo_lab.server.push.settings import to_env

    push = PushSettings.from_env(
        smtp_host=args.smtp_host,
        smtp_port=args.smtp_port,
        smtp_from=args.smtp_from,
        sms_provider=args.sms_provider,
        wechat_provider=args.wechat_provider,
        enabled=False if args.no_push else None,
    )
    print(f"coo_lab service on http://{args.host}:{args.port}/docs (store: {args.db})")
    mail = f"{push.smtp_host}:{push.smtp_port} as {push.smtp_from}" if push.smtp_host else "off"
    print(
        f"status push: {'on' if push.enabled else 'off'}; e-mail {mail}; "
        f"SMS {push.sms_provider}; WeChat {push.wechat_provider}"
    )
    if args.workers > 1:  # each worker process builds its app from the environment
        os.environ["COO_LAB_DB"] = str(args.db)
        to_env(push, os.environ)
        uvicorn.run(
            "coo_lab.server.app:app_from_env",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
        )
        return 0
    app = create_app(args.db, push_settings=push)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from coo_lab.server.demo import build_demo
    from coo_lab.server.postgres import is_postgres

    if is_postgres(args.db):  # built as a SQLite file, then copied: one fast bulk writer
        import tempfile

        from coo_lab.server.transfer import copy_store

        if args.keep:
            print("error: --keep works on SQLite files only", file=sys.stderr)
            return 2
        with tempfile.TemporaryDirectory(prefix="coo-demo-") as folder:
            built = Path(folder) / "demo.sqlite"
            summary = build_demo(built, scale=args.scale, seed=args.seed, fresh=True)
            copy_store(built, args.db)
        summary = [line.replace(str(built), args.db) for line in summary]
    else:
        summary = build_demo(args.db, scale=args.scale, seed=args.seed, fresh=not args.keep)
    for line in summary:
        print(line)
    return 0


def cmd_copy_store(args: argparse.Namespace) -> int:
    from coo_lab.server.transfer import copy_store

    copied = copy_store(
        args.source, args.target, progress=lambda table, n: print(f"  {table}: {n:,} rows")
    )
    print(f"copied {sum(copied.values()):,} rows of {len(copied)} tables into {args.target}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from coo_lab.domain.rules import CheckContext, check

    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    findings = check(data, CheckContext())
    _print_findings(findings)
    return 1 if any(f.is_error for f in findings) else 0


def cmd_rules(args: argparse.Namespace) -> int:
    from coo_lab.domain.rules import rules

    for r in rules():
        print(f"{r.code:15} {r.severity.value:7} {r.title_en}\n{'':23} {r.title_zh}")
    return 0


def cmd_origin(args: argparse.Namespace) -> int:
    from coo_lab.domain.origin import Product, best_agreements

    materials = json.loads(Path(args.materials).read_text(encoding="utf-8"))
    for result in best_agreements(Product(args.hs, Decimal(args.fob)), materials, args.to):
        verdict = f"{result.criterion!r}" if result.qualifies else "does not qualify"
        print(f"{result.agreement:2} {verdict}")
        for test in result.tests:
            print(f"     {'pass' if test.passed else 'fail'} {test.detail_en}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from coo_lab.client import Client
    from coo_lab.mirror import sync

    if not args.username:
        print("error: --username (or env COO_LAB_USERNAME) is required", file=sys.stderr)
        return 2
    password = args.password if args.password is not None else os.environ.get("COO_LAB_PASSWORD")
    client = Client(args.url, username=args.username, password=password or "")
    progress = None if args.progress else False
    print(sync(client, args.db, progress=progress, documents=args.documents))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from coo_lab.excel import template

    print(f"bulk template (批量导入模板) written to {template(args.path)}")
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    from coo_lab.launch import up

    return up(args)


def main(argv: list[str] | None = None) -> int:
    from coo_lab.errors import CooLabError

    parser = argparse.ArgumentParser(prog="coo-lab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run the Single Window service")
    p.add_argument(
        "--db", default=default_db(), help="SQLite file or postgresql:// URL (env COO_LAB_DB)"
    )
    p.add_argument("--host", default=os.environ.get("COO_LAB_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("COO_LAB_PORT", "8700")))
    p.add_argument("--log-level", default="warning")
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("COO_LAB_WORKERS", "1")),
        help="service processes sharing the port (best with PostgreSQL; env COO_LAB_WORKERS)",
    )
    p.add_argument("--smtp-host", help="mail server for e-mail push (env COO_LAB_SMTP_HOST)")
    p.add_argument("--smtp-port", type=int, help="its port (env COO_LAB_SMTP_PORT, default 25)")
    p.add_argument("--smtp-from", help="sender address (env COO_LAB_SMTP_FROM)")
    p.add_argument(
        "--sms-provider", help="dotted path of the SMS provider (default: the service's outbox)"
    )
    p.add_argument(
        "--wechat-provider", help="dotted path of the WeChat provider (default: the outbox)"
    )
    p.add_argument(
        "--no-push", action="store_true", help="do not run the status-push dispatcher here"
    )
    p = sub.add_parser("demo", help="fill a store with a realistic demo data set")
    p.add_argument("--db", default=default_db(), help="SQLite file (env COO_LAB_DB)")
    p.add_argument(
        "--scale",
        type=int,
        default=None,
        help="number of certificates (default: about two years of a few firms)",
    )
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--keep", action="store_true", help="add to an existing store")
    p = sub.add_parser(
        "copy-store", help="copy a whole store into an empty one (e.g. SQLite → PostgreSQL)"
    )
    p.add_argument("source", help="SQLite file or postgresql:// URL")
    p.add_argument("target", help="an empty store: SQLite file or postgresql:// URL")
    p = sub.add_parser("up", help="service, demo data, sync, Voilà and JupyterLab on localhost")
    from coo_lab.launch import add_arguments

    add_arguments(p)
    sub.add_parser("tour", help="walk through the domain API on sample data")
    p = sub.add_parser("check", help="review a certificate given as JSON")
    p.add_argument("file")
    sub.add_parser("rules", help="list the review rules")
    p = sub.add_parser("origin", help="rank the agreements a product qualifies under")
    p.add_argument("hs")
    p.add_argument("fob")
    p.add_argument(
        "materials", help="JSON list of {hs_code, name, origin_country, value, originating}"
    )
    p.add_argument("--to", required=True, help="destination ISO3, e.g. KOR")
    p = sub.add_parser("sync", help="mirror the change feed into a DuckDB file")
    p.add_argument("--url", default=os.environ.get("COO_LAB_URL", "http://127.0.0.1:8700"))
    p.add_argument("--username", default=os.environ.get("COO_LAB_USERNAME"))
    p.add_argument("--password", default=None, help="default: env COO_LAB_PASSWORD")
    p.add_argument("--db", default="data/coo.duckdb", help="the DuckDB file")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    p.add_argument(
        "--documents",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep each certificate's JSON in certificates.doc (chosen when the file is made; "
        "default: the file's choice, no for a new file)",
    )
    p = sub.add_parser("template", help="write the Excel template for bulk imports")
    p.add_argument("path", help="the .xlsx file to write")
    args = parser.parse_args(argv)
    handler = {
        "serve": cmd_serve,
        "demo": cmd_demo,
        "copy-store": cmd_copy_store,
        "tour": cmd_tour,
        "check": cmd_check,
        "rules": cmd_rules,
        "origin": cmd_origin,
        "sync": cmd_sync,
        "template": cmd_template,
        "up": cmd_up,
    }[args.command]
    try:
        return handler(args)
    except CooLabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
