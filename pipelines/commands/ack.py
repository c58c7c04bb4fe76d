"""``envmon ack ALERT_ID --by NAME [--note TEXT]``: record that a recipient received an alert (receipt
confirmation). Every alert e-mail prints the exact command for its recipient. Acknowledging twice is harmless: the
first acknowledgement stays. The published snapshot is replaced so that staff see it (alerts.ledger)."""

from assets.alerts.ledger.ack import acknowledge
from assets.clock import now_cst
from status_page.build import refresh_after_publish
from warehouse.connection import write_connection
from warehouse.paths import DataPaths
from warehouse.snapshot import ALERT_TABLES, publish_snapshot


def add_parser(sub) -> None:
    p = sub.add_parser("ack", help="acknowledge an alert (receipt confirmation) for one of its recipients")
    p.add_argument("alert_id", help="the alert id printed in the e-mail, e.g. area_warning/自贡/2026-11-20")
    p.add_argument(
        "--by", required=True, help="the recipient: the e-mail address the alert went to, or the office's name"
    )
    p.add_argument("--note", help="optional note (who read it, what was done)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def main(args) -> int:
    paths = DataPaths.from_env()
    if not paths.warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {paths.warehouse}: no alert to acknowledge yet")
    with write_connection(paths.warehouse) as con:
        ack = acknowledge(con, args.alert_id, args.by, args.note, now_cst())
    when = ack.acknowledged_at.strftime("%Y-%m-%d %H:%M")
    if ack.recorded:
        print(f"envmon ack: {ack.event_id} acknowledged for {ack.name} <{ack.recipient}> at {when} (CST)")
        publish_snapshot(paths.warehouse, paths.snapshot, verify=ALERT_TABLES)
        if refresh_after_publish(
            paths.snapshot, paths.status_page, paths.reports, print
        ):  # the page shows the receipt at once
            print(f"  status page refreshed: {paths.status_page}")
    else:
        print(
            f"envmon ack: {ack.event_id} was already acknowledged for {ack.name} <{ack.recipient}> at {when} "
            f"by {ack.acknowledged_by}: nothing changed"
        )
    return 0
