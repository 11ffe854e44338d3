"""``aidou-server users list|add|password|disable|enable``: the base admin's accounts from a
shell, for scripting (``sync_server.db.users_admin``, the same rules as the HTTP API).

Registered by ``sync_server.cli``; the heavy imports wait until a command runs,
so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable

from sync_server.cli_output import EXIT_REFUSED, print_table, refuse
from sync_server.db_option import DB_HELP

PASSWORD_ENV = "AIDOU_PASSWORD"

OpenFn = Callable[[argparse.Namespace], tuple]  # cli._open: (engine, blob store)

_PASSWORD_HELP = f"The password comes from ${PASSWORD_ENV}, else it is asked for (twice, not echoed)."


def add_parsers(commands: argparse._SubParsersAction, add_data_dir: Callable, open_fn: OpenFn) -> None:
    users = commands.add_parser(
        "users",
        help="list, add, disable or enable accounts; set a password",
        description="The accounts of the base offices: annotators, leads and admins. A new account can "
        "log in on any office PC at once; a disabled one is cut off at once (its tokens stop working, "
        "its synced work stays); a new password revokes every token of that user.",
    )
    actions = users.add_subparsers(dest="users_action", metavar="ACTION", required=True, prog="aidou-server users")

    def action(name: str, help_text: str, description: str, run: Callable) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text, description=description)
        parser.set_defaults(func=lambda args: run(args, open_fn))
        return parser

    def finish(parser: argparse.ArgumentParser) -> None:
        add_data_dir(parser)
        parser.add_argument("--db", metavar="URL", help=DB_HELP)

    listing = action(
        "list", "a table of accounts",
        "A table of accounts per office: id, username, display name, role, state (active or disabled) "
        "and when each last read the change feed (UTC, to the minute; '-' = never).",
        cmd_list,
    )  # fmt: skip
    listing.add_argument("--office", metavar="NAME", help="only this office's accounts (default: every office)")
    finish(listing)

    add = action(
        "add", "add an account",
        f"Add an account; its owner can log in on any office PC at once. {_PASSWORD_HELP} "
        "Usernames: 1–100 letters, digits, '.', '_' or '-', unique on this server; passwords: at least 6 characters.",
        cmd_add,
    )  # fmt: skip
    add.add_argument("username", metavar="USERNAME", help="the login name (letters, digits, . _ -)")
    add.add_argument("--name", required=True, metavar="TEXT", help='the name people read, e.g. "标注员九"')
    add.add_argument("--role", required=True, choices=("annotator", "lead", "admin"), help="what the account may do")
    add.add_argument("--office", metavar="NAME", help="the office it belongs to (default: the first office)")
    finish(add)

    password = action(
        "password", "set a new password",
        f"Set a new password for USERNAME; every token of that user stops working (a lost PC is cut off). {_PASSWORD_HELP}",
        cmd_password,
    )  # fmt: skip
    password.add_argument("username", metavar="USERNAME")
    finish(password)

    disable = action(
        "disable", "disable an account at once",
        "Disable USERNAME: their tokens are deleted and their password refused, at once; their synced "
        "annotations and reviews stay. `users enable` undoes it.",
        cmd_disable,
    )  # fmt: skip
    disable.add_argument("username", metavar="USERNAME")
    finish(disable)

    enable = action("enable", "let a disabled account log in again",
                    "Let USERNAME log in again, with the password they had (or set one with `users password`).",
                    cmd_enable)  # fmt: skip
    enable.add_argument("username", metavar="USERNAME")
    finish(enable)


def _open(args: argparse.Namespace, open_fn: OpenFn):
    try:
        engine, _blob_store = open_fn(args)
    except SystemExit as exc:  # "error: no data dir at …": a refusal like any other
        print(exc, file=sys.stderr)
        return None
    return engine


def _new_password(username: str) -> str:
    """From $AIDOU_PASSWORD, else asked twice on the terminal; ``ValueError`` says why there is none."""
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if not sys.stdin.isatty():  # a script: never read a password from a pipe
        raise ValueError(f"no password: set ${PASSWORD_ENV} (there is no terminal to ask on)")
    try:
        first = getpass.getpass(f"new password for {username}: ")
        again = getpass.getpass("the same again: ")
    except EOFError:
        raise ValueError("no password given") from None
    if again != first:
        raise ValueError("the two passwords differ; nothing was changed")
    return first


def _run(args: argparse.Namespace, open_fn: OpenFn, work: Callable, write: bool = True) -> int:
    """``work(conn)`` in one transaction; an ``AccountError`` becomes exit 2 and one line."""
    from sync_server.db.engine import read_connection, write_transaction
    from sync_server.db.users_admin import AccountError

    engine = _open(args, open_fn)
    if engine is None:
        return EXIT_REFUSED
    try:
        with (write_transaction if write else read_connection)(engine) as conn:
            return work(conn)
    except AccountError as exc:
        return refuse(str(exc))
    finally:
        engine.dispose()


def _user_id(conn, username: str) -> int:
    from sync_server.db.accounts import user_id_by_name
    from sync_server.db.users_admin import UnknownUser

    user_id = user_id_by_name(conn, username)
    if user_id is None:
        raise UnknownUser(f"no user {username!r} on this server")
    return user_id


def _describe(record) -> str:
    state = "disabled" if record.disabled else "active"
    return f"{record.username} (id {record.id}, {record.display_name}, {record.role}): {state}"


def cmd_list(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.users_admin import list_offices, list_users, office_id_by_name

    def work(conn) -> int:
        offices = list_offices(conn)
        if args.office is not None:
            office_id = office_id_by_name(conn, args.office)
            offices = [(office_id, args.office)]
        for office_id, name in offices:
            found = list_users(conn, office_id)
            print(f"office {name}: {len(found)} account(s)")
            _print_table(found)
        if not offices:
            print("no offices yet (try `aidou-server demo`)")
        return 0

    return _run(args, open_fn, work, write=False)


def _print_table(found) -> None:
    header = ["ID", "USERNAME", "NAME", "ROLE", "STATE", "LAST SYNC"]
    rows = [
        [str(u.id), u.username, u.display_name, u.role, "disabled" if u.disabled else "active",
         (u.last_sync_at or "-")[:16].replace("T", " ")]
        for u in found
    ]  # fmt: skip
    print_table(header, rows, indent="  ")


def cmd_add(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.accounts import first_office_id
    from sync_server.db.users_admin import add_user, check_new_user, office_id_by_name

    try:
        password = _new_password(args.username)
    except ValueError as exc:
        return refuse(str(exc))

    def work(conn) -> int:
        check_new_user(args.username, args.name, args.role, password)
        office_id = office_id_by_name(conn, args.office) if args.office else first_office_id(conn)
        if office_id is None:
            return refuse("this server has no office yet (try `aidou-server demo`)")
        added = add_user(conn, office_id, args.username, args.name, args.role, password)
        print(f"added {_describe(added)}; they can log in now")
        return 0

    return _run(args, open_fn, work)


def cmd_password(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.users_admin import set_password

    try:
        password = _new_password(args.username)
    except ValueError as exc:
        return refuse(str(exc))

    def work(conn) -> int:
        changed = set_password(conn, None, _user_id(conn, args.username), password)
        print(f"new password for {_describe(changed)}; their PCs must log in again")
        return 0

    return _run(args, open_fn, work)


def cmd_disable(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.users_admin import disable_user

    def work(conn) -> int:
        changed = disable_user(conn, None, _user_id(conn, args.username))
        print(f"disabled {_describe(changed)}; their tokens no longer work, their work stays")
        return 0

    return _run(args, open_fn, work)


def cmd_enable(args: argparse.Namespace, open_fn: OpenFn) -> int:
    from sync_server.db.users_admin import enable_user

    def work(conn) -> int:
        changed = enable_user(conn, None, _user_id(conn, args.username))
        print(f"enabled {_describe(changed)}; they can log in again")
        return 0

    return _run(args, open_fn, work)
