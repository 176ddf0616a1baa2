"""Run a segmentation in DuckDB: the query `strata sql --dialect duckdb` wrote, over the CSV files.

usage: python duckdb_peer.py QUERY.sql OUT.csv TABLE=PATH [TABLE=PATH ...]

Each TABLE is read with DuckDB's own CSV reader (types inferred from the whole file), the query
runs once, and its rows are written to OUT.csv, so the time covers load, segmentation and output
as `strata run --out` does.
"""
import sys

import duckdb


def main():
    query_path, out, *tables = sys.argv[1:]
    con = duckdb.connect()
    for t in tables:
        name, path = t.split("=", 1)
        con.execute(
            f"CREATE TABLE \"{name}\" AS SELECT * FROM read_csv('{path}', header = true, sample_size = -1)"
        )
    query = open(query_path, encoding="utf-8").read().rstrip().rstrip(";")
    con.execute(f"COPY ({query}) TO '{out}' (HEADER, DELIMITER ',')")


if __name__ == "__main__":
    main()
