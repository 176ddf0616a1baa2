"""Run a strata-generated PostgreSQL query on a throwaway PostgreSQL server and compare with strata.

usage: python sql_postgres.py QUERY.sql EXPECTED.csv TABLE=PATH [TABLE=PATH ...]

Starts a private cluster (initdb + pg_ctl from Debian's postgresql package, found under
/usr/lib/postgresql/*/bin or on PATH) in a temporary folder on a Unix socket only, creates each
table with the column types DuckDB infers from the CSV, loads it with \\copy, runs the query
with psql --csv and compares its rows with the membership `strata run --out` wrote.
Run as root, the server runs as the `postgres` user. Exit 0 equal, 1 different, 3 no PostgreSQL.
"""
import contextlib, csv, glob, io, os, shutil, subprocess, sys, tempfile

import duckdb

TYPES = {"BIGINT": "bigint", "INTEGER": "bigint", "DOUBLE": "double precision",
         "DATE": "date", "VARCHAR": "text", "BOOLEAN": "boolean", "TIMESTAMP": "timestamp"}


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    w = shutil.which("initdb")
    return os.path.dirname(w) if w else None


@contextlib.contextmanager
def server(tables):
    """A private cluster on a Unix socket with every TABLE=PATH loaded (the types DuckDB infers),
    stopped and removed on exit; yields (how to run psql, the socket's folder)."""
    bindir = pg_bin()
    tmp = tempfile.mkdtemp(prefix="strata-pg-")
    os.chmod(tmp, 0o755)
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(tmp, "postgres")
    data, sock = os.path.join(tmp, "data"), tmp
    def run(cmd, **kw):
        return subprocess.run(prefix + cmd, check=True, capture_output=True, text=True, **kw)
    run([f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "strata"])
    run([f"{bindir}/pg_ctl", "-D", data, "-o", f"-k {sock} -c listen_addresses=''",
         "-l", os.path.join(tmp, "log"), "-w", "start"])
    try:
        psql = prefix + [f"{bindir}/psql" if os.path.exists(f"{bindir}/psql") else "psql",
                         "-h", sock, "-U", "strata", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                         "-X", "-q"]
        con = duckdb.connect()
        script = []
        for spec in tables:
            name, path = spec.split("=", 1)
            cols = con.execute("DESCRIBE SELECT * FROM read_csv(?)", [path]).fetchall()
            defs = ", ".join(f'"{c[0]}" {TYPES.get(c[1], "text")}' for c in cols)
            script.append(f'CREATE TABLE "{name}" ({defs});')
            # via DuckDB so that every file reaches PostgreSQL as plain UTF-8 CSV
            copy = os.path.join(tmp, f"{name}.csv")
            con.execute(f"COPY (SELECT * FROM read_csv(?)) TO '{copy}' (HEADER)", [path])
            os.chmod(copy, 0o644)
            script.append(f"\\copy \"{name}\" FROM '{copy}' CSV HEADER")
        subprocess.run(psql, input="\n".join(script), check=True, capture_output=True, text=True)
        yield psql, sock
    finally:
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    query, expected, *tables = sys.argv[1:]
    if not pg_bin():
        print("no PostgreSQL server binaries (apt install postgresql)")
        return 3
    with server(tables) as (psql, _):
        out = subprocess.run(psql + ["--csv", "-f", "-"], input=open(query, encoding="utf-8").read(),
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr)
            return 1
        got = list(csv.reader(io.StringIO(out.stdout)))
    with open(expected, newline="", encoding="utf-8") as f:
        exp = list(csv.reader(f))
    if len(exp) != len(got):
        print(f"rows: strata {len(exp) - 1}, postgres {len(got) - 1}")
        return 1
    bad = [(i, e, g) for i, (e, g) in enumerate(zip(exp, got)) if e != g]
    for i, e, g in bad[:10]:
        print(f"row {i}: strata {e} | postgres {g}")
    if bad:
        print(f"{len(bad)} rows differ")
        return 1
    print(f"equal: {len(got) - 1} customers, {len(got[0]) - 1} criteria")
    return 0


if __name__ == "__main__":
    sys.exit(main())
