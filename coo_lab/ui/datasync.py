"""Data sync (数据同步): a thin screen model over ``client.data_sync`` (a service part built
beside this app) — 同步企业信息, 同步商品备案信息 and the history of runs (同步列表)."""

from __future__ import annotations

from typing import Any

from coo_lab.ui.session import Session
from coo_lab.ui.state import Model, Notice

V1 = "/api/v1"


class DataSyncDesk(Model):
    """数据同步: 同步企业信息, 同步商品备案信息, and the history of runs (同步列表)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[dict[str, Any]] = []

    def reload(self) -> None:
        def go() -> None:
            body = self.session.client.get(f"{V1}/data-sync/runs", page=1, page_size=100)
            self.rows = body["items"]

        self.perform(go)
        self.changed("rows")

    def sync(self, kind: str) -> bool:
        """Run one sync (``enterprise_info`` or ``product_filings``) with a progress bar; the
        run (a history row, failed ones too) says how it went."""
        sync = self.session.client.data_sync
        call = {
            "enterprise_info": sync.sync_enterprise_info,
            "product_filings": sync.sync_product_filings,
        }[kind]
        runs: list[dict[str, Any]] = []
        failures = self.each([kind], lambda _k: runs.append(call()))
        self.reload()
        if failures:
            self.tell(failures[0])
            return False
        run = runs[0]
        done = run.get("status") == "completed"
        self.tell(
            Notice(
                "ok" if done else "error",
                f"{run.get('status_zh', '')}：{run.get('remark', '')}（{run.get('count', 0)}）",
                f"{run.get('status', '')}: {run.get('remark', '')} ({run.get('count', 0)})",
            )
        )
        if done and kind == "enterprise_info":
            self.session.refresh()
        return done
