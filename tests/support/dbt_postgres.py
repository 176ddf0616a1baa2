"""Build a strata-written dbt model with dbt-postgres on a throwaway PostgreSQL server and compare
its rows with `strata run`.

usage: python dbt_postgres.py PROJECT MODEL EXPECTED.csv TABLE=PATH [TABLE=PATH ...]

Starts a private cluster on a Unix socket with every TABLE=PATH loaded (sql_postgres.server), writes a profiles.yml for it beside dbt_project.yml
(profile `strata_test`), runs `dbt build` (the model and every test strata wrote), then reads the
model's table with psql and compares its rows with the membership strata wrote, as sets of rows.
Exit 0 equal and passed, 1 otherwise, 3 no PostgreSQL.
"""
import csv, io, os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_postgres import pg_bin, server  # noqa: E402


def main():
    project, model, expected, *tables = sys.argv[1:]
    if not pg_bin():
        print("no PostgreSQL server binaries (apt install postgresql)")
        return 3
    with server(tables) as (psql, sock):
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
        out = subprocess.run(psql + ["--csv", "-c", f'SELECT * FROM public."{model}"'],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr)
            return 1
        got = list(csv.reader(io.StringIO(out.stdout)))
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
