"""Date rules (DOMAIN.md §5): invoice, application, signing and shipment dates."""

from __future__ import annotations

from coo_lab.domain.certificate import Certificate
from coo_lab.domain.retro import RetroKind, retroactive_status
from coo_lab.domain.rules.base import CheckContext, Severity, rule

E, W = Severity.ERROR, Severity.WARNING


@rule(
    "CO-DATE-001",
    "invoice_date",
    E,
    en="The invoice date is not after the application (exporter's declaration) date",
    zh="发票日期不得晚于申请日期（出口商声明日期）",
)
def invoice_before_application(cert: Certificate, ctx: CheckContext):
    if cert.invoice_date and cert.application_date and cert.invoice_date > cert.application_date:
        return [
            (
                "invoice_date",
                f"invoice date {cert.invoice_date} is after the application date "
                f"{cert.application_date}; the exporter cannot declare before invoicing",
                f"发票日期 {cert.invoice_date} 晚于申请日期 {cert.application_date}",
            )
        ]
    return None


@rule(
    "CO-DATE-002",
    "signing_date",
    E,
    en="The signing (certification) date is not before the application date",
    zh="签署日期不得早于申请日期",
)
def signing_after_application(cert: Certificate, ctx: CheckContext):
    if cert.signing_date and cert.application_date and cert.signing_date < cert.application_date:
        return [
            (
                "signing_date",
                f"signing date {cert.signing_date} is before the application date "
                f"{cert.application_date}",
                f"签署日期 {cert.signing_date} 早于申请日期 {cert.application_date}",
            )
        ]
    return None


@rule(
    "CO-DATE-003",
    "application_date",
    E,
    en="The application date is not in the future",
    zh="申请日期不得晚于当天",
)
def application_not_future(cert: Certificate, ctx: CheckContext):
    if cert.application_date and cert.application_date > ctx.today:
        return [
            (
                "application_date",
                f"application date {cert.application_date} is after today ({ctx.today})",
                f"申请日期 {cert.application_date} 晚于今天（{ctx.today}）",
            )
        ]
    return None


@rule(
    "CO-DATE-004",
    "shipment_date",
    W,
    en="An application after shipment beyond the grace period is issued retroactively",
    zh="出运后超过宽限期申请的证书将作为后补证书签发",
)
def retroactive_mark(cert: Certificate, ctx: CheckContext):
    status = retroactive_status(cert.agreement, cert.shipment_date, cert.application_date)
    if status.kind == RetroKind.RETROACTIVE:
        return [
            (
                "shipment_date",
                f"applied {status.days_after_shipment} days after shipment "
                f"({cert.shipment_date}): the certificate will be marked "
                f'"{status.mark}"',
                f"出运（{cert.shipment_date}）后 {status.days_after_shipment} 天申请，"
                f"证书将标注“{status.mark}”",
            )
        ]
    return None


@rule(
    "CO-DATE-005",
    "shipment_date",
    E,
    en="Retroactive issue is refused where the type allows none or the window has passed",
    zh="协定不允许后补或已超过后补期限的，不予签发",
)
def retroactive_refused(cert: Certificate, ctx: CheckContext):
    status = retroactive_status(cert.agreement, cert.shipment_date, cert.application_date)
    if status.kind != RetroKind.REFUSED:
        return None
    retro = cert.agreement.retro
    if not retro.allowed:
        unit = "working days" if retro.grace_working_days else "days"
        unit_zh = "个工作日" if retro.grace_working_days else "天"
        return [
            (
                "shipment_date",
                f"{cert.cert_type} certificates allow no retroactive issue: apply at export or "
                f"within {retro.grace_days} {unit} after shipment ({cert.shipment_date}); "
                f"this application is {status.days_after_shipment} days after it",
                f"{cert.cert_type} 证书不允许后补：须在出口时或出运（{cert.shipment_date}）后"
                f"{retro.grace_days}{unit_zh}内申请，本次为出运后 {status.days_after_shipment} 天",
            )
        ]
    return [
        (
            "shipment_date",
            f"applied {status.days_after_shipment} days after shipment ({cert.shipment_date}); "
            f"{cert.cert_type} allows retroactive issue within {retro.window_days} days only",
            f"出运（{cert.shipment_date}）后 {status.days_after_shipment} 天申请，"
            f"{cert.cert_type} 证书后补期限为 {retro.window_days} 天",
        )
    ]
