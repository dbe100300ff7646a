"""A team's day over the transports a team uses, against real servers on this machine.

Three engineers (张工, 李工, 赵工) and their team lead (王经理), each a real Store in a folder of
its own, sync through one bare repository, served:

- over smart HTTP: dulwich.web's WSGI application under wsgiref, behind basic authentication
  with an account per person, as a git server (GitLab, Gitea, a web server in front of
  git-http-backend) puts it;
- over ssh: ``GIT_SSH_COMMAND`` names a small script that plays ssh (it runs the requested
  ``git-upload-pack`` / ``git-receive-pack`` with dulwich's server side on its stdin and
  stdout), as there is no sshd here and git itself need not be installed.

Credentials are git's own: each person's git configuration (a file named by
``GIT_CONFIG_GLOBAL``, a home of its own) holds them, never assettrack. dulwich 1.2 does not
run git's credential helpers (``credential.helper``), so the sync asks them itself
(``services.git_credentials``); URL rewrites (``url.<base>.insteadOf``) work too.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import shlex
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import orjson
import pytest
from dulwich.graph import find_merge_base
from dulwich.objects import Commit
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import WSGIRequestHandlerLogger, WSGIServerLogger, make_wsgi_chain

from assettrack.domain.models import (
    Asset,
    ChecklistResult,
    Customer,
    Fault,
    Inspection,
    InspectionState,
    ItemResult,
    ReportedVia,
    Site,
    Visit,
    VisitKind,
)
from assettrack.services.git_sync import (
    BRANCH,
    RemoteUnreachable,
    SyncError,
    SyncPaths,
    init_sync,
    sync,
    sync_status,
)
from assettrack.services.sync import CONFLICTS, list_conflicts
from assettrack.store.store import Store
from tests.cli_inprocess import Cli

# Each person's account on the team's git server.
ACCOUNTS = {"张工": "zhang", "李工": "li", "赵工": "zhao", "王经理": "wang"}


# -- the team's git server over HTTP ------------------------------------------------------


@dataclass
class HttpRemote:
    """A bare repository served over smart HTTP on 127.0.0.1 behind basic authentication:
    ``accounts`` may read, ``pushers`` may push too; every request is logged with its
    account (None: no valid credentials) and whether it reads or pushes."""

    folder: Path
    accounts: dict[str, str] = field(default_factory=dict)  # account -> password
    pushers: set[str] = field(default_factory=set)
    requests: list[tuple[str | None, str]] = field(default_factory=list)
    url: str = ""

    def add(self, account: str, password: str, *, push: bool = True) -> None:
        self.accounts[account] = password
        if push:
            self.pushers.add(account)

    def revoke(self, account: str) -> None:
        """What an administrator does when someone leaves."""
        del self.accounts[account]
        self.pushers.discard(account)

    def authenticated(self, header: str) -> str | None:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            account, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return account if self.accounts.get(account) == password else None

    def guard(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def guarded(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            account = self.authenticated(environ.get("HTTP_AUTHORIZATION", ""))
            asked = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
            what = "push" if "git-receive-pack" in asked else "read"
            self.requests.append((account, what))
            if account is None:
                start_response(
                    "401 Unauthorized",
                    [("WWW-Authenticate", 'Basic realm="team"'), ("Content-Type", "text/plain")],
                )
                return [b"sign in\n"]
            if what == "push" and account not in self.pushers:
                start_response("403 Forbidden", [("Content-Type", "text/plain")])
                return [b"this account may read, not push\n"]
            return app(environ, start_response)

        return guarded


@pytest.fixture
def http_remote(tmp_path: Path) -> Iterator[HttpRemote]:
    folder = tmp_path / "server" / "team.git"
    folder.mkdir(parents=True)
    Repo.init_bare(str(folder), default_branch=b"main").close()
    repo = Repo(str(folder))
    remote = HttpRemote(folder)
    app = remote.guard(make_wsgi_chain(DictBackend({b"/team.git": repo})))
    server = make_server(
        "127.0.0.1",
        0,
        app,
        server_class=WSGIServerLogger,
        handler_class=WSGIRequestHandlerLogger,
    )
    remote.url = f"http://127.0.0.1:{server.server_address[1]}/team.git"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield remote
    finally:
        server.shutdown()
        server.server_close()
        repo.close()


# -- each person's own git configuration ---------------------------------------------------


class GitHomes:
    """Each person's home with a git configuration of their own, as on their own laptop;
    ``be(person)`` switches to it (HOME and GIT_CONFIG_GLOBAL). The machine's own git
    configuration never takes part."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for name in ("GIT_CONFIG_COUNT", "GIT_SSH_COMMAND", "GIT_SSH", "XDG_CONFIG_HOME"):
            monkeypatch.delenv(name, raising=False)

    def home(self, person: str) -> Path:
        home = self.root / ACCOUNTS.get(person, person)
        home.mkdir(parents=True, exist_ok=True)
        return home

    def configure(self, person: str, text: str) -> None:
        (self.home(person) / ".gitconfig").write_text(text, encoding="utf-8")

    def sign_in(self, person: str, remote: HttpRemote, password: str) -> None:
        """The person's account for the server, in git's configuration: a URL rewrite."""
        base = remote.url.rsplit("/", 1)[0] + "/"
        account = ACCOUNTS[person]
        with_account = base.replace("http://", f"http://{account}:{password}@")
        self.configure(person, f'[url "{with_account}"]\n\tinsteadOf = {base}\n')

    def be(self, person: str) -> None:
        home = self.home(person)
        self.monkeypatch.setenv("HOME", str(home))
        self.monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitHomes:
    return GitHomes(tmp_path / "homes", monkeypatch)


# -- the team ------------------------------------------------------------------------------


@dataclass
class Team:
    stores: dict[str, Store]  # person -> their database
    homes: GitHomes

    def sync(self, person: str) -> Any:
        self.homes.be(person)
        return sync(self.stores[person])

    def join(self, person: str, url: str) -> Any:
        self.homes.be(person)
        return init_sync(self.stores[person], url)

    def __getitem__(self, person: str) -> Store:
        return self.stores[person]


@pytest.fixture
def team(tmp_path: Path, homes: GitHomes) -> Iterator[Team]:
    stores = {person: Store.open(tmp_path / ACCOUNTS[person], author=person) for person in ACCOUNTS}
    yield Team(stores, homes)
    for store in stores.values():
        store.close()


def passwords_for(remote: HttpRemote, team: Team) -> dict[str, str]:
    """An account per person on the server, and the same in each one's git configuration."""
    passwords = {}
    for person, account in ACCOUNTS.items():
        password = secrets.token_hex(12)
        remote.add(account, password)
        team.homes.sign_in(person, remote, password)
        passwords[person] = password
    return passwords


@dataclass(frozen=True)
class Catalog:
    sites: dict[str, Site]  # "A", "B", "C"
    assets: dict[str, Asset]  # by serial number


def lead_sets_up(store: Store) -> Catalog:
    """The lead's register: a customer with three sites and their equipment."""
    customer = store.customers.save(Customer("华东医院集团", "East China Hospital", "ECH"))
    names = {"A": "门诊楼机房", "B": "住院部弱电间", "C": "数据中心"}
    sites = {
        key: store.sites.save(Site(customer.name, name, customer_id=customer.id))
        for key, name in names.items()
    }
    rows = [
        ("A", "switch", "Huawei", "S5735", "HW-A1", "core-a", "A-01"),
        ("A", "firewall", "H3C", "F1000", "H3C-A2", "fw-a", "A-02"),
        ("B", "switch", "Cisco", "C9300", "FCW-B1", "core-b", "B-01"),
        ("C", "router", "Huawei", "AR6120", "HW-C1", "edge-c", "C-01"),
        ("C", "switch", "Huawei", "S6730", "HW-C2", "dist-c", "C-02"),
    ]
    assets = {}
    for key, kind, vendor, model, serial, hostname, location in rows:
        asset = Asset(sites[key].id, kind, vendor, model, serial, hostname, location=location)
        assets[serial] = store.assets.save(asset)
    return Catalog(sites, assets)


@dataclass(frozen=True)
class Day:
    visit: Visit
    inspections: list[Inspection]
    fault: Fault


def day_on_site(store: Store, engineer: str, site: Site, symptom: str, cause: str) -> Day:
    """A scheduled visit: each asset of the site inspected, and a fault found and fixed."""
    start = datetime(2026, 3, 10, 9)
    visit = store.visits.save(
        Visit(site.id, engineer, VisitKind.SCHEDULED, start, start + timedelta(hours=3))
    )
    inspections = []
    for asset in store.assets.by_site(site.id):
        items = [
            ChecklistResult("temperature", "机房温度", ItemResult.PASS, "23", "°C"),
            ChecklistResult("grounding", "接地", ItemResult.PASS),
            ChecklistResult("dust", "防尘", ItemResult.FAIL, note="风扇滤网积尘"),
        ]
        inspection = Inspection(
            site.id,
            asset.id,
            start + timedelta(minutes=20),
            visit_id=visit.id,
            engineer=engineer,
            state=InspectionState.COMPLETE,
            items=items,
            completed_at=start + timedelta(minutes=50),
        )
        inspections.append(store.inspections.save(inspection))
    found = start + timedelta(hours=1)
    fault = store.faults.save(
        Fault(
            site.id,
            3,
            ReportedVia.ON_SITE,
            found,
            found,
            asset_id=store.assets.by_site(site.id)[0].id,
            on_site_at=found,
            resolved_at=found + timedelta(minutes=40),
            symptom=symptom,
            cause=cause,
            result="已恢复",
            engineer=engineer,
            visit_id=visit.id,
        )
    )
    return Day(visit, inspections, fault)


def edit_asset(store: Store, asset_id: str, **changes: Any) -> None:
    asset = store.assets.get(asset_id)
    assert asset is not None
    store.assets.save(replace(asset, **changes))


def documents(folder: Path) -> dict[tuple[str, str, str], Any]:
    """Every document of a database as its files hold it: (file, table, id) -> document,
    the local conflicts table left out (it never travels)."""
    found = {}
    names = [folder / "catalog.json", *folder.glob("assets/*.json")]
    names += folder.glob("records/*/*/*.json")
    for path in names:
        tables = orjson.loads(path.read_bytes())
        for table, docs in tables.items():
            if table == CONFLICTS:
                continue
            for doc_id, doc in docs.items():
                found[(path.relative_to(folder).as_posix(), table, doc_id)] = doc
    return found


def files_holding(folder: Path, secret: str) -> list[str]:
    """The files under a database folder (its sync history included) that hold ``secret``."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and secret.encode() in p.read_bytes()
    )


def state_of(folder: Path) -> dict[str, bytes]:
    """A database's data files and its sync history's refs and config, to tell that an
    attempt changed nothing."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not p.name.startswith((".writer", ".redo."))  # the redo log: bookkeeping
        and p.name != "sync.lock"
        and ".index" not in p.parts  # caches
        and ".retired" not in p.parts  # old versions saves left until a checkpoint
        and (".sync" not in p.parts or "refs" in p.parts or p.name in ("config", "HEAD"))
    }


# -- a day of the team over HTTP ----------------------------------------------------------


def test_a_day_of_the_whole_team_over_http_with_an_account_each(
    team: Team, http_remote: HttpRemote, tmp_path: Path
) -> None:
    passwords = passwords_for(http_remote, team)
    lead = team["王经理"]
    catalog = lead_sets_up(lead)
    a, b, c = (catalog.sites[k] for k in "ABC")
    core_a, dist_c = catalog.assets["HW-A1"].id, catalog.assets["HW-C2"].id
    # A duplicate of a fault phoned in, which the lead will remove as a duplicate.
    reported = datetime(2026, 3, 9, 17)
    phoned = lead.faults.save(
        Fault(b.id, 2, ReportedVia.PHONE, reported, reported, symptom="住院部网络时断时续")
    )
    assert team.join("王经理", http_remote.url).pushed
    for person in ("张工", "李工", "赵工"):
        joined = team.join(person, http_remote.url)
        assert (joined.merge.conflicts, joined.pushed) == (0, False)
        assert len(team[person].assets.all()) == 5

    # The day, everyone offline: a visit each at their own site, with inspections and a fault.
    days = {
        "张工": day_on_site(team["张工"], "张工", a, "核心交换机端口闪断", "光模块老化"),
        "李工": day_on_site(team["李工"], "李工", b, "无线控制器离线", "上联口被误关闭"),
        "赵工": day_on_site(team["赵工"], "赵工", c, "路由器 CPU 高", "广播风暴"),
    }
    # One moves the core switch in its rack room while another upgrades its firmware.
    edit_asset(team["张工"], core_a, location="A-07")
    edit_asset(team["李工"], core_a, firmware="V200R022C00SPC500")
    # The same field on two laptops: the address 赵工 found on site, the lead's from the plan.
    edit_asset(team["赵工"], dist_c, management_address="10.3.0.12")
    edit_asset(lead, dist_c, management_address="10.3.0.2")
    # 李工 works the phoned-in fault while the lead removes it as a duplicate.
    worked = team["李工"].faults.get(b.id, phoned.id)
    assert worked is not None
    worked.cause, worked.result = "接入交换机环路", "拆除环路后恢复"
    team["李工"].faults.save(worked)
    lead.faults.delete(lead.faults.get(b.id, phoned.id))  # type: ignore[arg-type]

    # First round: each syncs once, the lead last.
    assert team.sync("张工").pushed
    second = team.sync("李工")
    assert (second.merge.merged, second.merge.conflicts) == (1, 0)  # location and firmware
    assert team.sync("赵工").merge.conflicts == 0
    last = team.sync("王经理")
    assert last.merge.conflicts == 2 and last.pushed
    cli = Cli(tmp_path)
    waiting = json.loads(cli.ok("--db", lead.folder, "conflicts", "--format", "json"))
    by_doc = {c["doc_id"]: c for c in waiting}
    assert set(by_doc) == {dist_c, phoned.id}
    address = by_doc[dist_c]
    assert address["fields"] == ["management_address"]
    assert (address["local_by"], address["theirs_by"]) == ("王经理", "赵工")
    assert (address["local"], address["theirs"]) == (
        {"management_address": "10.3.0.2"},
        {"management_address": "10.3.0.12"},
    )
    # The deleted fault is not lost: 李工's work waits as the other side.
    assert by_doc[phoned.id]["theirs_by"] == "李工"
    (deletion,) = (c for c in list_conflicts(lead) if c.doc_id == phoned.id)
    assert deletion.local is None or deletion.local.get("_deleted")
    assert deletion.theirs["cause"] == "接入交换机环路"
    # The lead decides both: the plan's address, and 李工's fault stays (not a duplicate).
    cli.ok("--db", lead.folder, "conflicts", "resolve", address["id"], "--keep", "local")
    cli.ok(
        "--db", lead.folder, "conflicts", "resolve", by_doc[phoned.id]["id"][:8], "--keep", "theirs"
    )
    assert "No conflicts." in cli.ok("--db", lead.folder, "conflicts")

    # Second round: everyone syncs again, and all four databases hold the same documents.
    for person in ("王经理", "张工", "李工", "赵工"):
        assert team.sync(person).merge.conflicts == 0
    held = {person: documents(store.folder) for person, store in team.stores.items()}
    assert held["张工"] == held["李工"] == held["赵工"] == held["王经理"]
    everything = held["王经理"]
    for person, day in days.items():
        assert any(k[2] == day.fault.id for k in everything), person
        assert all(any(k[2] == i.id for k in everything) for i in day.inspections), person
    for store in team.stores.values():
        store.refresh()
        core = store.assets.get(core_a)
        assert core is not None and (core.location, core.firmware) == ("A-07", "V200R022C00SPC500")
        assert store.assets.get(dist_c).management_address == "10.3.0.2"  # type: ignore[union-attr]
        kept = store.faults.get(b.id, phoned.id)
        assert kept is not None and kept.result == "拆除环路后恢复"
        status = sync_status(store)
        assert (status.ahead, status.behind, status.unsynced_files, status.conflicts) == (
            0,
            0,
            0,
            0,
        )
    # Each history ends in the team's content (its head may be a needless merge of the same
    # content: see test_a_sync_whose_head_the_team_already_holds_takes_the_team_head).
    with closing(Repo(str(http_remote.folder))) as server:
        team_tree = server[server.refs[BRANCH]].tree
    for store in team.stores.values():
        with closing(Repo(str(SyncPaths(store.folder).git))) as own:
            assert own[own.refs[BRANCH]].tree == team_tree

    # Who changed which field, as any of them sees it (here 赵工, who made neither change).
    def changes_of(asset_id: str) -> set[tuple[str, str, str, Any]]:
        rows = json.loads(
            cli.ok("--db", team["赵工"].folder, "history", asset_id, "--format", "json")
        )
        return {
            (row["by"], row["what"], change["field"], change["after"])
            for row in rows
            for change in row["changes"] or [{"field": "", "after": None}]
        }

    assert changes_of(core_a) >= {
        ("张工", "changed", "location", "A-07"),
        ("李工", "changed", "firmware", "V200R022C00SPC500"),
        ("王经理", "created", "", None),
    }
    assert not {(by, f) for by, what, f, _ in changes_of(core_a) if what == "changed"} - {
        ("张工", "location"),
        ("李工", "firmware"),
    }
    assert changes_of(dist_c) >= {
        ("赵工", "changed", "management_address", "10.3.0.12"),
        ("王经理", "changed", "management_address", "10.3.0.2"),
    }
    assert changes_of(phoned.id) >= {
        ("李工", "changed", "cause", "接入交换机环路"),
        ("李工", "changed", "result", "拆除环路后恢复"),
        ("王经理", "deleted", "", None),
    }
    # The server saw each person push with their own account, and nobody get in without one.
    pushed_by = {account for account, what in http_remote.requests if what == "push"}
    assert pushed_by == set(ACCOUNTS.values())
    assert None not in {account for account, _ in http_remote.requests}
    # assettrack kept no password anywhere in the databases' folders.
    for store in team.stores.values():
        for password in passwords.values():
            assert files_holding(store.folder, password) == []


# -- credentials and accounts over HTTP ---------------------------------------------------


def test_wrong_credentials_or_a_revoked_account_stop_in_one_line_and_change_nothing(
    team: Team, http_remote: HttpRemote, tmp_path: Path
) -> None:
    passwords_for(http_remote, team)
    catalog = lead_sets_up(team["王经理"])
    team.join("王经理", http_remote.url)
    team.join("赵工", http_remote.url)
    core_a = catalog.assets["HW-A1"].id
    edit_asset(team["赵工"], core_a, location="A-07")
    assert team.sync("赵工").pushed

    # A mistyped password in 张工's git configuration: one request, refused, nothing kept.
    team.homes.sign_in("张工", http_remote, "not-the-password")
    zhang = team["张工"]
    lead_sets_up(zhang)  # his own register, which must stay as it is
    before = state_of(zhang.folder)
    asked = len(http_remote.requests)
    with pytest.raises(RemoteUnreachable) as caught:
        team.join("张工", http_remote.url)
    message = str(caught.value)
    assert http_remote.requests[asked:] == [(None, "read")]  # one attempt, no retries
    assert "\n" not in message and f"the team's remote {http_remote.url}" in message
    assert "credentials" in message and message.endswith("nothing was changed here")
    assert "not-the-password" not in message
    assert state_of(zhang.folder) == before
    assert not SyncPaths(zhang.folder).root.exists()  # no trace of the attempt

    # 赵工 leaves: the administrator removes his account. His laptop can no longer sync,
    # in one line on the command line, and his database stays as it was.
    http_remote.revoke("zhao")
    edit_asset(team["赵工"], core_a, location="A-09")  # made after he left: stays with him
    zhao_before = state_of(team["赵工"].folder)
    team.homes.be("赵工")
    outcome = Cli(tmp_path)("--db", team["赵工"].folder, "sync")
    assert outcome.returncode == 1
    assert outcome.stderr.count("\n") == 1 and "credentials" in outcome.stderr
    assert "nothing was changed" in outcome.stderr
    assert state_of(team["赵工"].folder) == zhao_before
    # The team keeps his work, signed with his name, and nothing of his after he left.
    team.sync("王经理")
    lead = team["王经理"]
    lead.refresh()
    assert lead.assets.get(core_a).location == "A-07"  # type: ignore[union-attr]
    rows = json.loads(Cli(tmp_path).ok("--db", lead.folder, "history", core_a, "--format", "json"))
    assert [(r["by"], r["what"]) for r in rows] == [("赵工", "changed"), ("王经理", "created")]


def test_the_message_says_the_remote_refused_the_credentials(
    team: Team, http_remote: HttpRemote
) -> None:
    http_remote.add("zhang", "right")
    team.homes.sign_in("张工", http_remote, "wrong")
    with pytest.raises(RemoteUnreachable) as caught:
        team.join("张工", http_remote.url)
    assert "refused the credentials" in str(caught.value)
    assert str(caught.value).endswith("nothing was changed here")


def test_a_push_the_server_refuses_says_what_was_merged_and_what_was_not_pushed(
    team: Team, http_remote: HttpRemote
) -> None:
    passwords_for(http_remote, team)
    http_remote.pushers.discard("zhao")  # his account may read the team's work, not push
    catalog = lead_sets_up(team["王经理"])
    team.join("王经理", http_remote.url)
    zhao = team["赵工"]
    zhao.sites.save(Site("浦东机场", "T2 机房"))
    with pytest.raises(SyncError) as caught:
        team.join("赵工", http_remote.url)
    # The lead's register came in (the merge is kept), and his own site was not pushed.
    assert zhao.assets.get(catalog.assets["HW-A1"].id) is not None
    message = str(caught.value)
    assert "\n" not in message and "nothing was changed" not in message
    assert "push" in message and "merged" in message


def test_a_password_in_the_remote_url_is_refused_and_never_kept(
    team: Team, http_remote: HttpRemote
) -> None:
    http_remote.add("zhang", "s3cret-in-url")
    zhang = team["张工"]
    lead_sets_up(zhang)
    url = http_remote.url.replace("http://", "http://zhang:s3cret-in-url@")
    team.homes.be("张工")
    try:
        init_sync(zhang, url)
    except SyncError as refused:
        message = str(refused)
        assert "password" in message and "s3cret-in-url" not in message
    else:
        pytest.fail("a URL with a password was taken")
    finally:
        assert files_holding(zhang.folder, "s3cret-in-url") == []


def test_a_credential_helper_in_git_configuration_signs_in(
    team: Team, http_remote: HttpRemote
) -> None:
    http_remote.add("zhang", "from-the-helper")
    stored = team.homes.home("张工") / "team-credentials"
    host = http_remote.url.split("/")[2]
    stored.write_text(f"http://zhang:from-the-helper@{host}\n", encoding="utf-8")
    team.homes.configure("张工", f"[credential]\n\thelper = store --file {stored}\n")
    zhang = team["张工"]
    lead_sets_up(zhang)
    assert team.join("张工", http_remote.url).pushed
    assert files_holding(zhang.folder, "from-the-helper") == []


# -- ssh ----------------------------------------------------------------------------------

FAKE_SSH = """\
\"\"\"Plays ssh for the tests: the host 'teamserver' runs the requested git command here,
with dulwich's server side on stdin and stdout; any other host cannot be reached.\"\"\"
import json
import os
import shlex
import sys
from pathlib import Path

from dulwich.protocol import ReceivableProtocol
from dulwich.server import FileSystemBackend, ReceivePackHandler, UploadPackHandler

*options, destination, command = sys.argv[1:]
with open(Path(__file__).with_suffix(".log"), "a", encoding="utf-8") as log:
    log.write(json.dumps([destination, command]) + "\\n")
host = destination.rpartition("@")[2]
if host != "teamserver":
    sys.stderr.write(f"ssh: connect to host {host} port 22: No route to host\\n")
    sys.exit(255)
name, path = shlex.split(command)
handler = {"git-upload-pack": UploadPackHandler, "git-receive-pack": ReceivePackHandler}[name]


def send(data):
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


# What has arrived is read as it arrives (a pack ends without the client closing its side).
protocol = ReceivableProtocol(lambda size: os.read(0, size), send)
handler(FileSystemBackend("/"), [path], protocol).handle()
"""


@dataclass(frozen=True)
class FakeSsh:
    script: Path

    def calls(self) -> list[tuple[str, str]]:
        log = self.script.with_suffix(".log")
        if not log.exists():
            return []
        return [tuple(json.loads(line)) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def fake_ssh(tmp_path: Path, homes: GitHomes, monkeypatch: pytest.MonkeyPatch) -> FakeSsh:
    script = tmp_path / "fake_ssh.py"
    script.write_text(FAKE_SSH, encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    monkeypatch.setenv("GIT_SSH_COMMAND", command)
    return FakeSsh(script)


def test_two_engineers_sync_over_ssh(team: Team, fake_ssh: FakeSsh, tmp_path: Path) -> None:
    bare = tmp_path / "srv" / "git" / "team.git"
    bare.mkdir(parents=True)
    Repo.init_bare(str(bare), default_branch=b"main").close()  # git init --bare on the server
    zhang, li = team["张工"], team["李工"]
    catalog = lead_sets_up(zhang)
    assert team.join("张工", f"ssh://teamserver{bare}").pushed
    joined = team.join("李工", f"li@teamserver:{bare}")  # the scp-like form names the account
    assert joined.merge.added == len(documents(zhang.folder))
    core_a = catalog.assets["HW-A1"].id
    edit_asset(zhang, core_a, location="A-07")
    edit_asset(li, core_a, firmware="V200R022C00SPC500")
    assert team.sync("张工").pushed
    assert team.sync("李工").merge.merged == 1
    team.sync("张工")
    assert documents(zhang.folder) == documents(li.folder)
    li.refresh()
    merged = li.assets.get(core_a)
    assert merged is not None and (merged.location, merged.firmware) == (
        "A-07",
        "V200R022C00SPC500",
    )
    calls = fake_ssh.calls()
    assert {destination for destination, _ in calls} == {"teamserver", "li@teamserver"}
    assert {command for _, command in calls} == {
        f"git-upload-pack '{bare}'",
        f"git-receive-pack '{bare}'",
    }


def test_an_ssh_that_cannot_reach_the_host_is_one_line_and_changes_nothing(
    team: Team, fake_ssh: FakeSsh, tmp_path: Path
) -> None:
    bare = tmp_path / "srv" / "git" / "team.git"
    bare.mkdir(parents=True)
    Repo.init_bare(str(bare), default_branch=b"main").close()
    zhang = team["张工"]
    catalog = lead_sets_up(zhang)
    team.join("张工", f"ssh://teamserver{bare}")
    edit_asset(zhang, catalog.assets["HW-A1"].id, location="A-07")  # made offline
    # The laptop's remote names a host it cannot reach today (another office's server).
    with closing(Repo(str(SyncPaths(zhang.folder).git))) as repo:
        config = repo.get_config()
        config.set((b"remote", b"origin"), b"url", f"ssh://branch-office{bare}".encode())
        config.write_to_path()
    before = state_of(zhang.folder)
    calls = len(fake_ssh.calls())
    with pytest.raises(RemoteUnreachable) as caught:
        team.sync("张工")
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"cannot reach the team's remote ssh://branch-office{bare}: ssh: connect to host "
        "branch-office port 22: No route to host; nothing was changed here"
    )
    assert len(fake_ssh.calls()) == calls + 1  # ssh ran once: no retries to wait through
    assert state_of(zhang.folder) == before
    # Joining through it leaves no trace either.
    li = team["李工"]
    li_before = state_of(li.folder)
    with pytest.raises(RemoteUnreachable, match="No route to host"):
        team.join("李工", f"ssh://branch-office{bare}")
    assert state_of(li.folder) == li_before and not SyncPaths(li.folder).root.exists()


# -- the history's merge base ---------------------------------------------------------------


def test_a_sync_whose_head_the_team_already_holds_takes_the_team_head(
    team: Team, tmp_path: Path
) -> None:
    remote = tmp_path / "team.git"
    remote.mkdir()
    zhang = team["张工"]
    lead_sets_up(zhang)
    init_sync(zhang, str(remote))
    # The team's history after a quick round (every commit in the same second): 李工's and
    # 张工's commits merged, 赵工's merge of that, the lead's merge of 赵工's, and one more.
    with closing(Repo(str(remote))) as repo:
        root = repo.refs[BRANCH]
        tree, when = repo[root].tree, repo[root].commit_time

        def commit(message: str, *parents: bytes) -> bytes:
            made = Commit()
            made.tree, made.parents = tree, list(parents)
            made.author = made.committer = b"team <team@example.com>"
            made.author_time = made.commit_time = when
            made.author_timezone = made.commit_timezone = 0
            made.message = message.encode()
            repo.object_store.add_object(made)
            return made.id

        # The commits' ids decide the walk's order among equal times: the first arrangement
        # (of a few tried) on which dulwich names the older ancestor.
        for salt in range(200):
            li, zhang_commit = commit(f"li {salt}", root), commit(f"zhang {salt}", root)
            ours = commit(f"li merges {salt}", li, zhang_commit)
            zhao = commit(f"zhao {salt}", root)
            zhao_merge = commit(f"zhao merges {salt}", zhao, ours)
            lead = commit(f"lead {salt}", root)
            theirs = commit(
                f"lead's resolution {salt}", commit(f"lead merges {salt}", lead, zhao_merge)
            )
            if find_merge_base(repo, [ours, theirs]) != [ours]:
                break
        repo.refs[BRANCH] = ours
    sync(zhang)  # 张工 takes the team's head as it was
    with closing(Repo(str(remote))) as repo:
        repo.refs[BRANCH] = theirs
    report = sync(zhang)  # nothing of his is new: he takes the team's head
    assert not report.pushed
    with closing(Repo(str(SyncPaths(zhang.folder).git))) as own:
        assert own.refs[BRANCH] == theirs
