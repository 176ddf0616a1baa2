"""Run a strata-generated Spark SQL query on Apache Spark (local mode) and compare with strata.

usage: python sql_spark.py QUERY.sql EXPECTED.csv TABLE=PATH [TABLE=PATH ...]

Needs PySpark (pip install pyspark) and Java 17. Each TABLE=PATH (CSV with a header) is read
with schema inference and registered as a temporary view under that name; the query's rows
must equal the membership `strata run --out` wrote, row for row. Exit 0 when equal.
"""
import csv, sys, time


def text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def main():
    query, expected, *tables = sys.argv[1:]
    from pyspark.sql import SparkSession

    t0 = time.time()
    spark = (SparkSession.builder.master("local[*]").appName("strata-sql-check")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    for spec in tables:
        name, path = spec.split("=", 1)
        reader = spark.read.option("header", "true").option("inferSchema", "true")
        df = reader.parquet(path) if path.endswith(".parquet") else reader.csv(path)
        df.createOrReplaceTempView(name)
    rows = spark.sql(open(query, encoding="utf-8").read()).collect()
    cols = list(rows[0].__fields__) if rows else []
    got = [cols] + [[text(v) for v in r] for r in rows]
    with open(expected, newline="", encoding="utf-8") as f:
        exp = list(csv.reader(f))
    took = time.time() - t0
    spark.stop()
    if len(exp) != len(got):
        print(f"rows: strata {len(exp) - 1}, spark {len(got) - 1}")
        return 1
    bad = [(i, e, g) for i, (e, g) in enumerate(zip(exp, got)) if e != g]
    for i, e, g in bad[:10]:
        print(f"row {i}: strata {e} | spark {g}")
    if bad:
        print(f"{len(bad)} rows differ")
        return 1
    print(f"equal: {len(got) - 1} customers, {len(cols) - 1} criteria (spark {took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
