"""Build a strata-written dbt model with dbt-duckdb and compare its rows with `strata run`.

usage: python dbt_duckdb.py PROJECT MODEL EXPECTED.csv TABLE=PATH [TABLE=PATH ...]
       python dbt_duckdb.py --expect-fail PROJECT MODEL EXPECTED.csv TABLE=PATH [...]

Every TABLE=PATH is loaded into a DuckDB file in PROJECT (schema main), a profiles.yml pointing
at it is written beside dbt_project.yml (profile `strata_test`), then `dbt build` runs the model
and every test strata wrote. The model's rows must equal the membership strata wrote (as sets
of rows: a table keeps no order). With --expect-fail, `dbt build` must fail on an
accepted_values test instead. Exit 0 when all is as expected, 1 otherwise.
"""
import csv, os, subprocess, sys

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_duckdb import same_row, text  # noqa: E402


def main():
    args = sys.argv[1:]
    expect_fail = args[:1] == ["--expect-fail"]
    if expect_fail:
        args = args[1:]
    project, model, expected, *tables = args
    db = os.path.join(os.path.abspath(project), "strata.duckdb")
    if not expect_fail:
        if os.path.exists(db):
            os.remove(db)
        con = duckdb.connect(db)
        for t in tables:
            name, path = t.split("=", 1)
            con.execute(f'CREATE TABLE main."{name}" AS SELECT * FROM read_csv(?)', [path])
        con.close()
    with open(os.path.join(project, "profiles.yml"), "w", encoding="utf-8") as f:
        f.write(
            "strata_test:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
            f"      path: '{db}'\n      threads: 1\n"
        )
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    run = subprocess.run(
        [dbt, "build", "--project-dir", project, "--profiles-dir", project],
        capture_output=True, text=True,
    )
    log = run.stdout + run.stderr
    if expect_fail:
        if run.returncode != 0 and "accepted_values" in log:
            print("failed as expected: an accepted_values test")
            return 0
        print(f"dbt build should have failed on accepted_values (exit {run.returncode}):\n{log}")
        return 1
    if run.returncode != 0:
        print(f"dbt build failed (exit {run.returncode}):\n{log}")
        return 1
    con = duckdb.connect(db, read_only=True)
    cur = con.execute(f'SELECT * FROM main."{model}"')
    cols = [d[0] for d in cur.description]
    got = [[text(v) for v in r] for r in cur.fetchall()]
    with open(expected, newline="", encoding="utf-8") as f:
        exp = list(csv.reader(f))
    if exp[0] != cols:
        print(f"columns: strata {exp[0]}, dbt {cols}")
        return 1
    exp, got = sorted(exp[1:]), sorted(got)
    if len(exp) != len(got):
        print(f"rows: strata {len(exp)}, dbt {len(got)}")
        return 1
    bad = [(e, g) for e, g in zip(exp, got) if not same_row(e, g)]
    for e, g in bad[:10]:
        print(f"strata {e} | dbt {g}")
    if bad:
        print(f"{len(bad)} rows differ")
        return 1
    tests = log.count("PASS")
    print(f"equal: {len(got)} customers, {len(cols) - 1} criteria; dbt build passed ({tests} passes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
