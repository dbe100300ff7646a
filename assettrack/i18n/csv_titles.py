"""Chinese column titles for the spreadsheets (``export … --headers zh``), and back.

The CSV columns are machine-readable names (``serial_number``) in every language: scripts and
imports rely on them. For people who read Chinese, an export can carry these titles instead.
They are data, not catalog messages: a title once written in a file must be read back the
same way whatever a later catalog says, so the table below only ever grows. Each name of
every kind of file (assets, customers, sites, contracts) has one title; a column a plugin
adds keeps its name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# column name -> its Chinese title (unique across the table).
TITLES_ZH: dict[str, str] = {
    "id": "编号",
    "customer": "客户",
    "site": "站点",
    "kind": "类型",
    "vendor": "厂商",
    "model": "型号",
    "serial_number": "序列号",
    "hostname": "主机名",
    "management_address": "管理地址",
    "location": "位置",
    "firmware": "固件",
    "installed_on": "安装日期",
    "warranty_start": "保修开始",
    "warranty_months": "保修月数",
    "warranty_end": "保修截止",
    "warranty_extension_months": "延保月数",
    "contract_id": "合同ID",
    "console_port": "控制台端口",
    "console_baud": "控制台波特率",
    "console_framing": "控制台帧格式",
    "console_credentials_ref": "凭据引用",
    "driver": "驱动",
    "status": "状态",
    "tags": "标签",
    "notes": "备注",
    "vendor_resolved": "厂商（识别为）",
    "warranty_status": "保修状态",
    "warranty_ends": "保修到期",
    "warranty_days_left": "保修剩余天数",
    "name": "名称",
    "name_en": "英文名称",
    "code": "代码",
    "contacts": "联系人",
    "address": "地址",
    "directions": "路线",
    "scheduled_per_month": "每月定期回访",
    "follow_ups_per_month": "每月不定期回访",
    "on_site_follow_ups_per_quarter": "每季度上门回访",
    "preferred_weekdays": "回访星期",
    "engineer": "工程师",
    "number": "合同编号",
    "value": "合同金额",
    "currency": "币种",
    "starts_on": "开始日期",
    "ends_on": "到期日期",
    "service_years": "服务年限",
    "warranty_ends_on": "保修截止日期",
    "sites": "覆盖站点",
    "assets": "覆盖资产",
    "cap_percents": "人工费上限百分比",
}
NAMES_OF_TITLES: dict[str, str] = {title: name for name, title in TITLES_ZH.items()}
HEADERS = ("names", "zh")  # what --headers takes
BOM = "\ufeff"


def titled(names: Iterable[str]) -> list[str]:
    return [TITLES_ZH.get(name, name) for name in names]


def names_of(header: Iterable[str]) -> list[str]:
    """A header row read from a file: Chinese titles become the column names; names (and
    anything else) are kept as they are, for the import to judge."""
    return [NAMES_OF_TITLES.get(cell.strip(), cell) for cell in header]


def with_titles(text: str) -> str:
    """A CSV export whose first row (the column names) reads in Chinese instead."""
    bom = BOM if text.startswith(BOM) else ""
    first, newline, rest = text.removeprefix(BOM).partition("\n")
    ending = "\r\n" if first.endswith("\r") else "\n"
    [names] = list(csv.reader([first.rstrip("\r")]))
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerow(titled(names))
    return bom + out.getvalue() + (rest if newline else "")
