"""Run a strata-generated SQL query in DuckDB and compare its result with strata's own output.

usage: python sql_duckdb.py QUERY.sql EXPECTED.csv|EXPECTED.json TABLE=PATH [TABLE=PATH ...]

Every TABLE=PATH is loaded with DuckDB's read_csv (or read_parquet) under that table name.
With a .csv expectation (strata run --out) the membership must be equal row for row (numbers
appended with --with to 1e-9 relative);
with a .json expectation (strata run --summary) the valuation query's rows must equal the
summary's segments (counts exactly, numbers to 1e-9 relative). Exit 0 when equal, 1 otherwise.
"""
import csv, json, math, sys

import duckdb


def load(con, spec):
    name, path = spec.split("=", 1)
    reader = "read_parquet" if path.endswith(".parquet") else "read_csv"
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {reader}(?)', [path])


def text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # ids stored as doubles (e.g. Parquet) are written as integers
    return str(v)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None or (
            isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b))
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def same_cell(e, g):
    """Equal text, or numbers within 1e-9 relative (fields appended with --with)."""
    if e == g:
        return True
    try:
        return close(float(e), float(g))
    except ValueError:
        return False


def same_row(e, g):
    return len(e) == len(g) and all(same_cell(a, b) for a, b in zip(e, g))


def main():
    query, expected, *tables = sys.argv[1:]
    con = duckdb.connect()
    for t in tables:
        load(con, t)
    sql = open(query, encoding="utf-8").read()
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if expected.endswith(".csv"):
        with open(expected, newline="", encoding="utf-8") as f:
            exp = list(csv.reader(f))
        got = [cols] + [[text(v) for v in r] for r in rows]
        if len(exp) != len(got):
            print(f"rows: strata {len(exp) - 1}, duckdb {len(got) - 1}")
            return 1
        bad = [(i, e, g) for i, (e, g) in enumerate(zip(exp, got)) if not same_row(e, g)]
        for i, e, g in bad[:10]:
            print(f"row {i}: strata {e} | duckdb {g}")
        if bad:
            print(f"{len(bad)} rows differ")
            return 1
        print(f"equal: {len(got) - 1} customers, {len(cols) - 1} criteria")
        return 0
    summary = json.load(open(expected, encoding="utf-8"))
    want = []
    for c in summary["criteria"]:
        for s in c["segments"]:
            want.append((c["name"], s))
    if len(want) != len(rows):
        print(f"segments: strata {len(want)}, duckdb {len(rows)}")
        return 1
    problems = 0
    for (crit, s), r in zip(want, rows):
        got = dict(zip(cols, r))
        if got["criterion"] != crit or got["segment"] != s["name"]:
            print(f"order: strata {crit}/{s['name']}, duckdb {got['criterion']}/{got['segment']}")
            problems += 1
            continue
        for k in ["customers", "customer_share", "value", "value_share", "value_per_customer",
                  "cost", "profit", "cumulative_customer_share", "cumulative_value_share",
                  "worth_marketing"]:
            if k not in got:
                continue
            a, b = s.get(k), got[k]
            ok = a == b if k in ("customers", "worth_marketing") else close(a, b)
            if not ok:
                print(f"{crit}/{s['name']} {k}: strata {a}, duckdb {b}")
                problems += 1
        for name, a in (s.get("measures") or {}).items():
            if not close(a, got.get(name)):
                print(f"{crit}/{s['name']} {name}: strata {a}, duckdb {got.get(name)}")
                problems += 1
    if problems:
        return 1
    print(f"equal: {len(rows)} segments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
