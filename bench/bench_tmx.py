"""How long 100,000 translation units take to import from TMX, and to export again (target: import ≤ 60 s).

    .venv/bin/python -m bench.bench_tmx                 # PostgreSQL at 127.0.0.1:5432 (a temporary database)
    .venv/bin/python -m bench.bench_tmx --db sqlite     # SQLite in a temporary folder
    .venv/bin/python -m bench.bench_tmx --units 20000

Rows, each on the same fresh, migrated database:
    (a) POST /api/v1/memory/import of a new file, through the app (multipart parsing, XML, duplicate checks,
        inserts, one commit): what an editor waits for
    (b) the same file again: every unit a duplicate (the duplicate lookups alone)
    (c) GET /api/v1/memory/export of the pair, read to the end (streamed)
Wall and CPU time are both shown; the machine is shared, so CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import create_test_database, make_settings
from tests.support.factories import token_for
from workflow import create_app
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import User

TARGET_SECONDS = 60


def tmx_file(path: Path, units: int) -> int:
    """Write a TMX file of `units` distinct Arabic → English sentence pairs; returns its size in bytes."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">'
        )
        out.write('<header creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="bench" ')
        out.write('adminlang="en" srclang="ar" datatype="plaintext"/>\n<body>\n')
        for i in range(units):
            out.write(
                f'<tu tuid="{i}"><tuv xml:lang="ar"><seg>قال المتحدث في البيان رقم {i} إن الاجتماع سيعقد غدا.</seg>'
                f'</tuv><tuv xml:lang="en-GB"><seg>The spokesman said in statement number {i} that the meeting '
                "will be held tomorrow.</seg></tuv></tu>\n"
            )
        out.write("</body></tmx>\n")
    return path.stat().st_size


def timed(action):
    """(result, wall seconds, CPU seconds) of `action()`."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    import os

    os.environ["ADAPTDESK_TEST_DB"] = args.db
    with tempfile.TemporaryDirectory(prefix="bench-tmx-") as folder:
        work = Path(folder)
        url, drop = create_test_database(work)
        try:
            app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False}, settings=make_settings(work, url))
            size = tmx_file(work / "memory.tmx", args.units)
            with app.app_context():
                editor = User(username="bench-editor", display_name="Bench Editor", password_hash="!")
                editor.set_roles({Role.EDITOR})
                db.session.add(editor)
                db.session.commit()
                headers = token_for(editor)
            client = app.test_client()

            def post():
                with (work / "memory.tmx").open("rb") as file:
                    response = client.post(
                        "/api/v1/memory/import",
                        data={"file": (file, "memory.tmx")},
                        headers=headers,
                        content_type="multipart/form-data",
                    )
                assert response.status_code == 200, response.get_data(as_text=True)[:500]
                return response.json

            def export():
                response = client.get("/api/v1/memory/export?source_lang=ar&target_lang=en", headers=headers)
                assert response.status_code == 200
                return sum(len(chunk) for chunk in response.response)

            print(f"TMX bench: {args.units:,} units, file {size / 1e6:.1f} MB, database {args.db}")
            rows = []
            first, wall, cpu = timed(post)
            rows.append(
                (
                    "(a) import, new units",
                    wall,
                    cpu,
                    f"added {first['added']:,}, skipped {first['skipped']:,}",
                )
            )
            again, wall, cpu = timed(post)
            rows.append(
                ("(b) same file again", wall, cpu, f"added {again['added']:,}, skipped {again['skipped']:,}")
            )
            exported, wall, cpu = timed(export)
            rows.append(("(c) export, streamed", wall, cpu, f"{exported / 1e6:.1f} MB"))
            print(f"{'row':<26}{'wall s':>9}{'CPU s':>9}  result")
            for name, wall, cpu, result in rows:
                print(f"{name:<26}{wall:>9.2f}{cpu:>9.2f}  {result}")
            verdict = "meets" if rows[0][1] <= TARGET_SECONDS else "MISSES"
            print(
                f"import of {args.units:,} units: {rows[0][1]:.1f} s wall, {verdict} the {TARGET_SECONDS} s target"
            )
            print(json.dumps({"units": args.units, "import_s": round(rows[0][1], 2)}))
        finally:
            db.engine and db.engine.dispose()
            drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
