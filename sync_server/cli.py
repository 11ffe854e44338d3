"""``aidou-server``: run the sync server, seed the demo, bring orders in, export results, carry bundles."""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from sync_server import (
    conflict_commands,
    order_commands,
    paysheet_commands,
    quality_commands,
    training_commands,
    user_commands,
)
from sync_server.bundles import commands as bundle_commands
from sync_server.db_option import DB_HELP

DEFAULT_DATA_DIR = "./aidou-server-data"
DATA_DIR_ENV = "AIDOU_DATA_DIR"


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"where the database and images live (default: ${DATA_DIR_ENV}, else {DEFAULT_DATA_DIR})",
    )


def _positive_days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of days, not {text!r}") from None
    if not days > 0:
        raise argparse.ArgumentTypeError("the token lifetime must be more than 0 days")
    return days


def _print_demo_accounts() -> None:
    from sync_server.orders.demo import DEMO_ACCOUNTS, DEMO_OFFICE

    print(f"Seeded the demo office {DEMO_OFFICE}. Accounts (demo only, passwords are public):")
    for username, display_name, role, password in DEMO_ACCOUNTS:
        print(f"  {username:<6} / {password:<9} {role:<10} {display_name}")


def _seed(data_dir: Path, db_url: str | None) -> None:
    from sync_server.orders.demo import seed_demo

    if seed_demo(data_dir, db_url):
        _print_demo_accounts()
    else:
        print(f"{data_dir} has data already; the demo was not seeded.")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync_server.api.app import create_app

    data_dir = _data_dir(args)
    if args.demo:
        _seed(data_dir, args.db)
    if bool(args.certfile) != bool(args.keyfile):
        print("error: --certfile and --keyfile go together", file=sys.stderr)
        return 2
    for path in filter(None, (args.certfile, args.keyfile)):
        if not Path(path).is_file():
            print(f"error: no such file: {path}", file=sys.stderr)
            return 2
    scheme = "https" if args.certfile else "http"
    print(f"AI豆 sync server on {scheme}://{args.host}:{args.port} (data: {data_dir})", flush=True)
    config = uvicorn.Config(
        create_app(data_dir, args.db, token_days=args.token_days), host=args.host, port=args.port, log_level="info",
        ssl_certfile=args.certfile, ssl_keyfile=args.keyfile,  # HTTPS from the server itself (docs/deployment.md)
    )  # fmt: skip
    server = uvicorn.Server(config)
    if args.desktop:
        desktop: list[int] = []  # the app's exit code, once it has closed
        threading.Thread(target=_run_desktop, args=(server, args, desktop), daemon=True).start()
    _tune_gc()
    server.run()
    if args.desktop and desktop and desktop[0] != 0:
        print(f"error: the desktop app failed to start or crashed (exit code {desktop[0]}); "
              "on Linux, Qt needs the system packages README.md lists", file=sys.stderr)  # fmt: skip
        return 1
    return 0


def _tune_gc() -> None:
    """A 500-record push allocates some 100,000 short-lived dicts and lists; at the default
    threshold (700) the cycle collector ran hundreds of times per push, ~20% of its time.
    Nothing here needs cycles freed promptly, so collect less often, and never rescan the
    modules and app loaded at start (gc.freeze)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _run_desktop(server, args: argparse.Namespace, exit_code: list[int]) -> None:
    """Open the desktop app once the server listens; stop the server when the app closes.
    The app keeps its data where it always does ($AIDOU_DATA_DIR, else ~/.aidou), so
    ``aidou-sync`` afterwards sees the same PC."""
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    cmd = [sys.executable, "-m", "aidou_desktop.app", "--server", f"http://{host}:{args.port}"]
    exit_code.append(subprocess.run(cmd, check=False).returncode)
    server.should_exit = True


def cmd_demo(args: argparse.Namespace) -> int:
    _seed(_data_dir(args), args.db)
    return 0


def _open(args: argparse.Namespace):
    from sync_server.db.blobs import BlobStore
    from sync_server.db.engine import default_db_url, make_engine

    data_dir = _data_dir(args)
    if not data_dir.exists():
        raise SystemExit(f"error: no data dir at {data_dir}")
    return make_engine(args.db or default_db_url(data_dir)), BlobStore(data_dir / "blobs")


def cmd_export(args: argparse.Namespace) -> int:
    from sync_server.db.engine import read_connection
    from sync_server.db.entities import find_order_id
    from sync_server.export.errors import ExportError
    from sync_server.export.formats import export_order
    from sync_server.export.progress import ExportProgress

    engine, blob_store = _open(args)
    with read_connection(engine) as conn:
        order_id = find_order_id(conn, args.order)
        if order_id is None:
            print(f"error: no order with id or name {args.order!r}", file=sys.stderr)
            return 2
        try:
            # the bar's line is ended before an error or the summary is printed
            with ExportProgress() as bar:
                shown = bar if args.progress or bar.tty else None
                report = export_order(conn, blob_store, order_id, args.format, Path(args.out), args.accepted_only,
                                      annotations_only=args.annotations_only, progress=shown)  # fmt: skip
        except ExportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(f"wrote {report.annotations_path}: {report.summary()}")
    print(f"report (items left out and why, conflicts): {report.report_path}")
    return 0


def _read_order_file(schema_file: Path) -> dict:
    try:
        return json.loads(schema_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"error: cannot read the schema file {schema_file}: {exc}") from None


def cmd_import_order(args: argparse.Namespace) -> int:
    from sync_server.db.accounts import first_office_id
    from sync_server.db.engine import write_transaction
    from sync_server.orders.importing import OrderImportError

    source = Path(args.path)
    if not source.exists():
        print(f"error: no such file or folder: {source}", file=sys.stderr)
        return 2
    folder = source if source.is_dir() else source.parent
    schema_file = Path(args.schema) if args.schema else folder / "schema.json"
    if not schema_file.is_file():
        print(f"error: no label schema: give --schema FILE (or put schema.json in {folder})", file=sys.stderr)
        return 2
    spec = _read_order_file(schema_file)
    engine, blob_store = _open(args)
    try:
        # the bar is ended (its line closed) before the transaction commits or an error is printed
        with write_transaction(engine) as conn, order_commands.ProgressBar("importing") as bar:
            office_id = first_office_id(conn)
            if office_id is None:
                print("error: this server has no office yet (try `aidou-server demo`)", file=sys.stderr)
                return 2
            if source.is_dir():
                order_id, done = _import_images(conn, blob_store, office_id, source, spec, args, bar)
            else:
                order_id, done = _import_texts(conn, office_id, source, spec, args, bar)
            done += quality_commands.apply_import_options(conn, office_id, order_id, spec, args)
    except OrderImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(done)
    return 0


def _import_images(conn, blob_store, office_id: int, folder: Path, spec: dict, args: argparse.Namespace, bar) -> tuple[int, str]:
    from sync_server.orders.folder_import import import_folder

    done = import_folder(conn, blob_store, office_id, folder, spec, args.name, args.skip_bad, progress=bar)
    lines = [f"imported order {done.order_id} from {folder}: {done.items} items in {done.batches} batches"]
    if done.left_out:
        lines.append(f"left out {len(done.left_out)} files:")
        lines.extend(f"  {problem}" for problem in done.left_out)
    return done.order_id, "\n".join(lines)


def _import_texts(conn, office_id: int, path: Path, spec: dict, args: argparse.Namespace, bar) -> tuple[int, str]:
    from sync_server.orders.text_import import import_text_file

    done = import_text_file(conn, office_id, path, spec, args.name, args.text_field, progress=bar)
    return done.order_id, (f"imported order {done.order_id} from {path}: {done.items} texts in {done.batches} batches, "
            f"{done.preannotated} with pre-annotations")  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aidou-server", description="The AI豆 sync server and its admin commands.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the sync server", description="Run the sync server.")
    _add_data_dir(serve)
    serve.add_argument("--db", metavar="URL", help=DB_HELP)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    serve.add_argument("--certfile", metavar="PEM", help="serve HTTPS with this certificate (with --keyfile; docs/deployment.md)")
    serve.add_argument("--keyfile", metavar="PEM", help="the certificate's private key")
    serve.add_argument(
        "--token-days", type=_positive_days, default=14, metavar="N",
        help="a login token expires N days after it was last used (default: 14)",
    )
    serve.add_argument("--demo", action="store_true", help="first seed the demo base office if the data dir is empty")
    serve.add_argument(
        "--desktop", action="store_true", help="also open the desktop app pointed at this server; closing it stops the server"
    )
    serve.set_defaults(func=cmd_serve)

    demo = commands.add_parser("demo", help="seed the demo base office", description="Seed the demo base office (only into an empty data dir).")
    _add_data_dir(demo)
    demo.add_argument("--db", metavar="URL", help=DB_HELP)
    demo.set_defaults(func=cmd_demo)

    export = commands.add_parser("export", help="write an order's results", description="Write an order's results in a format.")
    export.add_argument("order", metavar="ORDER", help="the order's id or name")
    export.add_argument(
        "--format", required=True, metavar="FMT",
        help="coco, yolo, voc, labelme, labelstudio (box and polygon orders), jsonl (any order), "
        "conll (ner: BIO, a character a token), csv (classification); planned: cvat",
    )  # fmt: skip
    export.add_argument(
        "--out", required=True, metavar="PATH", help="folder to write into (also gets export_report.json: what was left out and why)"
    )
    export.add_argument(
        "--accepted-only", action="store_true", help="only items whose current revision a lead accepted (the others are listed as left out)"
    )
    export.add_argument(
        "--annotations-only", action="store_true",
        help="write the annotation file and the report only, no images (file_name is what a full export would name each image)",
    )  # fmt: skip
    export.add_argument(
        "--progress", action="store_true", help="show progress on stderr even when it is not a terminal (on a terminal it always shows)"
    )
    _add_data_dir(export)
    export.add_argument("--db", metavar="URL", help=DB_HELP)
    export.set_defaults(func=cmd_export)

    imp = commands.add_parser(
        "import-order",
        help="bring an order in from a folder of images or a file of texts",
        description="Bring an order in. Images (bbox, polygon, image_class, transcription): PATH is a folder "
        "(subfolders too; an item is named by its path below PATH). Texts (text_class, ner): PATH is a "
        ".jsonl/.ndjson file (one object a line: the text field, optional id, meta, labels, spans), a .csv "
        "file (a header row; the text column, optional id column) or a .txt file (one text a line), UTF-8. "
        "The label schema JSON file: "
        '{"version": 1, "labels": [{"name", "title", "color"}, ...]} and optional multi_label, nested_spans, '
        "text_required; optional keys beside it: task_kind, guidelines, price_cents, batch_size. "
        "Prints how many items and batches it made, and every file or line it did not take, with the "
        "reason; a bad line stops a text import and nothing is imported.",
    )
    imp.add_argument("path", metavar="PATH", help="folder of images (.jpg .jpeg .jfif .png .bmp .webp .tif .tiff), "
                     "or a .jsonl, .ndjson, .csv or .txt file of texts")  # fmt: skip
    imp.add_argument("--schema", metavar="FILE", help="label schema JSON (default: schema.json in the folder, or beside the file)")
    imp.add_argument("--name", help="the order's name (default: the folder's or file's name)")
    imp.add_argument(
        "--text-field", "--text-column", dest="text_field", default="text", metavar="NAME",
        help="texts: the JSONL field or CSV column that holds the text (default: text)",
    )  # fmt: skip
    imp.add_argument(
        "--skip-bad",
        action="store_true",
        help="images: import the good images even when some cannot be taken (they are listed); "
        "by default one such image stops the import and nothing is imported",
    )
    quality_commands.add_import_options(imp)  # --overlap, --overlap-share, --iou-threshold, --gold
    _add_data_dir(imp)
    imp.add_argument("--db", metavar="URL", help=DB_HELP)
    imp.set_defaults(func=cmd_import_order)
    bundle_commands.add_parsers(commands, _add_data_dir, _open)  # bundle, import-bundle (USB sneakernet)
    conflict_commands.add_parsers(commands, _add_data_dir, _open)  # conflicts [resolve] (leads, admins)
    paysheet_commands.add_parsers(commands, _add_data_dir, _open)  # paysheet (the month's pay)
    user_commands.add_parsers(commands, _add_data_dir, _open)  # users list|add|password|disable|enable (admins)
    order_commands.add_parsers(commands, _add_data_dir, _open)  # orders, batches, assign, release, assign-idle
    quality_commands.add_parsers(commands, _add_data_dir, _open)  # agreement, gold-scores (leads, admins)
    training_commands.add_parsers(commands, _add_data_dir, _open)  # make-course, courses, certificates
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from sync_server.orders.leasing import NotCertified, OverlapSameAnnotator

    try:
        return args.func(args)
    except (OverlapSameAnnotator, NotCertified) as exc:  # from any command that leases (assign): a refusal, not a crash
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
