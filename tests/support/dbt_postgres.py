"""Build a strata-written dbt model with dbt-postgres on a throwaway PostgreSQL server and compare
its rows with `strata run`.

usage: python dbt_postgres.py PROJECT MODEL EXPECTED.csv TABLE=PATH [TABLE=PATH ...]

Starts a private cluster on a Unix socket (as sql_postgres.py does), loads every TABLE=PATH into
schema public with the types DuckDB infers, writes a profiles.yml for it beside dbt_project.yml
(profile `strata_test`), runs `dbt build` (the model and every test strata wrote), then reads the
model's table with psql and compares its rows with the membership strata wrote, as sets of rows.
Exit 0 equal and passed, 1 otherwise, 3 no PostgreSQL.
"""
import csv, io, os, shutil, subprocess, sys, tempfile

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_postgres import TYPES, pg_bin  # noqa: E402


def main():
    project, model, expected, *tables = sys.argv[1:]
    bindir = pg_bin()
    if not bindir:
        print("no PostgreSQL server binaries (apt install postgresql)")
        return 3
    tmp = tempfile.mkdtemp(prefix="strata-dbt-pg-")
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
        psql = [f"{bindir}/psql" if os.path.exists(f"{bindir}/psql") else "psql",
                "-h", sock, "-U", "strata", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-q"]
        con = duckdb.connect()
        script = []
        for spec in tables:
            name, path = spec.split("=", 1)
            cols = con.execute("DESCRIBE SELECT * FROM read_csv(?)", [path]).fetchall()
            defs = ", ".join(f'"{c[0]}" {TYPES.get(c[1], "text")}' for c in cols)
            script.append(f'CREATE TABLE public."{name}" ({defs});')
            copy = os.path.join(tmp, f"{name}.csv")
            con.execute(f"COPY (SELECT * FROM read_csv(?)) TO '{copy}' (HEADER)", [path])
            os.chmod(copy, 0o644)
            script.append(f"\\copy public.\"{name}\" FROM '{copy}' CSV HEADER")
        subprocess.run(prefix + psql, input="\n".join(script), check=True,
                       capture_output=True, text=True)
        with open(os.path.join(project, "profiles.yml"), "w", encoding="utf-8") as f:
            f.write(
                "strata_test:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
                f"      host: '{sock}'\n      port: 5432\n      user: strata\n      password: ''\n"
                "      dbname: postgres\n      schema: public\n      threads: 1\n"
            )
        dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
        build = subprocess.run(
            [dbt, "build", "--project-dir", project, "--profiles-dir", project],
            capture_output=True, text=True,
        )
        if build.returncode != 0:
            print(f"dbt build failed (exit {build.returncode}):\n{build.stdout}{build.stderr}")
            return 1
        out = subprocess.run(prefix + psql + ["--csv", "-c", f'SELECT * FROM public."{model}"'],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr)
            return 1
        got = list(csv.reader(io.StringIO(out.stdout)))
    finally:
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    with open(expected, newline="", encoding="utf-8") as f:
        exp = list(csv.reader(f))
    if exp[0] != got[0]:
        print(f"columns: strata {exp[0]}, dbt {got[0]}")
        return 1
    if sorted(exp[1:]) != sorted(got[1:]):
        print(f"rows differ: strata {len(exp) - 1}, dbt {len(got) - 1}")
        return 1
    print(f"equal: {len(got) - 1} customers, {len(got[0]) - 1} criteria; dbt build passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
