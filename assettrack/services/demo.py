"""A realistic demo register: customers and sites (some Chinese), ~200 assets, every warranty state.

Dates are relative to ``today`` so the demo always shows expired, expiring and active
warranties. Seeded, so the same day gives the same data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from assettrack.domain.models import (
    Asset,
    AssetStatus,
    ConsoleSettings,
    Contact,
    Contract,
    Customer,
    Site,
)
from assettrack.services.assets import AssetRegister

SITES: tuple[tuple[str, str, str, tuple[Contact, ...]], ...] = (
    (
        "上海浦东发展银行",
        "浦东数据中心",
        "上海市浦东新区张江路 88 号",
        (Contact("王磊", "IT 主管", "021-5080-1234"),),
    ),
    (
        "上海浦东发展银行",
        "外滩分行",
        "上海市黄浦区中山东一路 12 号",
        (Contact("李娜", "网络管理员", "021-6321-5678"),),
    ),
    (
        "华东医院集团",
        "门诊楼机房",
        "上海市静安区延安西路 221 号",
        (Contact("张伟", "信息科科长", "021-6248-3180"),),
    ),
    (
        "Northwind Logistics",
        "Hamburg Hub",
        "Am Sandtorkai 50, 20457 Hamburg",
        (Contact("Jana Weber", "IT lead", "+49 40 1234 567"),),
    ),
    (
        "Northwind Logistics",
        "Rotterdam DC",
        "Waalhaven O.z. 81, 3087 BM Rotterdam",
        (Contact("Pieter de Vries", "Site manager", "+31 10 555 0101"),),
    ),
    (
        "Contoso Retail",
        "Head Office",
        "1 Market Street, Leeds LS1 6DT",
        (Contact("Amira Khan", "Network engineer", "+44 113 496 0000"),),
    ),
    (
        "深圳创新科技有限公司",
        "南山研发中心",
        "深圳市南山区科技园南区 9 栋",
        (Contact("陈晓明", "运维经理", "0755-8601-2345"),),
    ),
    (
        "Fabrikam Manufacturing",
        "Plant 2",
        "400 Industrial Pkwy, Dayton OH 45402",
        (Contact("Mike Olsen", "Plant IT", "+1 937 555 0142"),),
    ),
)

CATALOGUE: tuple[tuple[str, str, str, str, str], ...] = (
    # vendor, kind, model, firmware, serial prefix
    ("Cisco", "router", "ISR4331/K9", "IOS-XE 17.9.4a", "FDO"),
    ("Cisco", "switch", "C9300-48P", "IOS-XE 17.12.3", "FOC"),
    ("Cisco", "switch", "WS-C2960X-24TS-L", "IOS 15.2(7)E8", "FCW"),
    ("Cisco", "firewall", "FPR-1120", "FTD 7.2.5", "JMX"),
    ("Huawei", "router", "AR6280", "V300R021C10SPC100", "2102"),
    ("Huawei", "switch", "S5735-L48T4X-A1", "V200R022C00SPC500", "2102"),
    ("Huawei", "firewall", "USG6525E", "V600R007C20SPC600", "2102"),
    ("H3C", "switch", "S6520X-30QC-EI", "Comware 7.1.070", "219801"),
    ("H3C", "router", "MSR3620", "Comware 7.1.064", "219801"),
    ("Juniper", "switch", "EX4300-48T", "Junos 21.4R3", "PE37"),
    ("Juniper", "router", "MX204", "Junos 22.2R3", "BR11"),
    ("Fortinet", "firewall", "FortiGate-100F", "FortiOS 7.2.8", "FG100F"),
    ("Fortinet", "gateway", "FortiGate-60F", "FortiOS 7.4.3", "FGT60F"),
    ("Ruijie", "switch", "RG-S5750C-28GT4XS-H", "RGOS 11.4(1)B12", "G1NQ"),
    ("Ruijie", "gateway", "RG-EG3250", "RGOS 11.9(6)B1", "1234"),
)


def build_demo(
    register: AssetRegister, today: date, assets_per_site: int = 25, seed: int = 7
) -> None:
    rng = random.Random(seed)
    store = register.store
    contracts = {}
    customers = {}
    for customer in sorted({s[0] for s in SITES}):
        customers[customer] = store.customers.save(
            Customer(name=customer, code=f"C{len(customers) + 1:02d}")
        )
        contract = Contract(
            customer=customer,
            customer_id=customers[customer].id,
            number=f"SVC-{rng.randint(2019, 2025)}-{rng.randint(100, 999)}",
            value=rng.choice((180_000, 420_000, 960_000)),
            starts_on=today - timedelta(days=rng.randint(400, 1500)),
        )
        store.contracts.save(contract)
        contracts[customer] = contract
    serial = 0
    for number, (customer, name, address, contacts) in enumerate(SITES, start=1):
        site = Site(
            customer=customer,
            name=name,
            address=address,
            contacts=list(contacts),
            visit_plan={"scheduled_per_month": 2},
            customer_id=customers[customer].id,
        )
        register.add_site(site)
        if site.id not in contracts[customer].site_ids:
            contracts[customer].site_ids.append(site.id)
            store.contracts.save(contracts[customer])
        assets = []
        for n in range(assets_per_site):
            vendor, kind, model, firmware, prefix = rng.choice(CATALOGUE)
            serial += 1
            # Spread installation dates so that warranties fall in every state.
            age_days = rng.choice((30, 200, 700, 1000, 1060, 1080, 1100, 1300, 2000))
            age_days += rng.randint(-20, 20)
            installed = today - timedelta(days=age_days)
            unknown = n % 23 == 22
            assets.append(
                Asset(
                    site_id=site.id,
                    kind=kind,
                    vendor=vendor,
                    model=model,
                    serial_number=f"{prefix}{2300 + serial:04d}{rng.randint(100, 999)}",
                    hostname=f"s{number}-{kind[:2]}{n + 1:02d}",
                    management_address=f"10.{number}.{n // 250}.{n % 250 + 2}",
                    location=f"Room {rng.choice('ABC')}{rng.randint(1, 3)} / "
                    f"Rack {rng.randint(1, 12):02d}",
                    firmware=firmware,
                    installed_on=None if unknown else installed,
                    contract_id=contracts[customer].id,
                    console=ConsoleSettings(baud=9600, framing="8N1"),
                    status=AssetStatus.SPARE if n % 17 == 16 else AssetStatus.IN_SERVICE,
                    tags=["core"] if kind in ("router", "firewall") else [],
                )
            )
        store.assets.add_many(assets)
