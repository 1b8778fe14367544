"""The pages benchmark's PostgreSQL databases, filled from its SQLite files.

`pg_load(sqlite_path)` runs in a child whose DATABASE_URL points at an empty PostgreSQL database. Django
`migrate`s it and makes the same reference rows as builddb and bigdb (same order, so the same ids: checked),
then every bulk table is copied from the SQLite file with psycopg's COPY (CSV written by the sqlite3 shell
when it is installed, else row by row), with the secondary indexes dropped during the load and rebuilt
afterwards from their own DDL, and FK triggers off (session_replication_role). Tables that `migrate` or the
reference rows filled on both sides are left as they are. The tables are the real Django tables, so the app's
pages run on them. VACUUM (ANALYZE) runs at the end, as autovacuum would shortly after such a load.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

SKIP = {
    "django_migrations", "django_content_type", "auth_permission", "sqlite_sequence", "sqlite_stat1",
    "django_session", "axes_accesslog", "axes_accessattempt",  # left by earlier timing runs
}  # fmt: skip


def pg_load(sqlite_path: Path) -> dict[str, Any]:
    """Fill the (empty) PostgreSQL database of DATABASE_URL with the SQLite file's rows (see the module doc)."""
    import bigdb
    import builddb
    from django.db import connection

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    ref = builddb._django_reference_rows()
    bigdb._voc_reference_rows()
    timings["migrate+reference rows"] = time.perf_counter() - t0
    src = sqlite3.connect(sqlite_path)
    src_users = [r[0] for r in src.execute("SELECT id FROM auth_user ORDER BY id")]
    if src_users != sorted(ref["users"]):
        raise SystemExit(
            f"bench/pages: reference ids differ between SQLite and PostgreSQL: {src_users} {ref}"
        )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE'"
        )
        pg_tables = {r[0] for r in cur.fetchall()}
        counts: dict[str, int] = {}
        for (table,) in src.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            if table in SKIP or table not in pg_tables:
                continue
            n_src = src.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            cur.execute(f'SELECT count(*) FROM "{table}"')
            n_pg = cur.fetchone()[0]
            if n_pg or not n_src:
                continue  # made by migrate or the reference rows on both sides (or empty)
            counts[table] = n_src
    raw = connection.connection
    cur = raw.cursor()
    cur.execute("SET session_replication_role = replica")  # FK triggers off during the bulk load
    cur.execute("SET TimeZone = 'UTC'")  # SQLite holds naive UTC text
    cur.execute("SET maintenance_work_mem = '512MB'")
    cur.execute(
        """SELECT i.indexname, i.indexdef, i.tablename FROM pg_indexes i
           WHERE i.schemaname='public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        (list(counts),),
    )
    indexes = cur.fetchall()
    for name, _ddl, _table in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    raw.commit()
    for table, n in sorted(counts.items(), key=lambda kv: kv[1]):
        t = time.perf_counter()
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name=%s", (table,)
        )
        types = dict(cur.fetchall())
        cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")') if r[1] in types]
        booleans = [k for k, c in enumerate(cols) if types[c] == "boolean"]
        quoted = ", ".join(f'"{c}"' for c in cols)
        if shutil.which("sqlite3"):  # the sqlite3 shell writes CSV in C: NULL as nothing, '' as ""
            select = f'SELECT {quoted} FROM "{table}"'
            with (
                subprocess.Popen(
                    ["sqlite3", "-csv", str(sqlite_path), select], stdout=subprocess.PIPE
                ) as dump,
                cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN WITH (FORMAT csv)') as copy,
            ):
                assert dump.stdout is not None
                while data := dump.stdout.read(1 << 20):
                    copy.write(data)
            if dump.returncode:
                raise SystemExit(f"bench/pages: sqlite3 -csv failed on {table}")
        else:
            reader = src.execute(f'SELECT {quoted} FROM "{table}"')
            with cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                while batch := reader.fetchmany(50_000):
                    for row in batch:
                        copy.write_row(
                            [bool(v) if k in booleans and v is not None else v for k, v in enumerate(row)]
                        )
        raw.commit()
        timings[f"copy {table} ({n:,} rows)"] = time.perf_counter() - t
    t = time.perf_counter()
    for _name, ddl, _table in indexes:
        cur.execute(ddl)
    raw.commit()
    timings["rebuild indexes"] = time.perf_counter() - t
    t = time.perf_counter()
    cur.execute(
        """SELECT c.table_name, c.column_name FROM information_schema.columns c
           WHERE c.table_schema='public' AND c.table_name = ANY(%s)
             AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT NULL""",
        (list(counts),),
    )
    for table, column in cur.fetchall():
        cur.execute(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT coalesce(max("{column}"), 1) FROM "{table}"))',
            (f'"{table}"', column),
        )
    cur.execute("SET session_replication_role = DEFAULT")
    raw.commit()
    raw.autocommit = True
    cur.execute("VACUUM (ANALYZE)")  # what autovacuum does after a bulk insert: statistics, visibility map
    raw.autocommit = False
    timings["sequences + VACUUM ANALYZE"] = time.perf_counter() - t
    src.close()
    connection.close()
    return {"timings": timings, "rows": counts}
