"""The demo workspace's segmentation written by hand in polars, for benches/compare.sh.

usage: python polars_peer.py DIR OUT.csv
DIR holds customers.csv and orders.csv from `strata demo`; OUT gets customer_id and one column
per criterion, in customer-id order, as `strata run --out` writes it. The fields follow the
definitions `strata sql` writes (orders are distinct order ids, scores are SQL NTILE(5) with
ties broken by customer id), so the two files can be compared byte for byte.
"""

import datetime
import sys

import polars as pl

AS_OF = datetime.date(2025, 1, 1)


def main(folder, out):
    orders = (
        pl.scan_csv(f"{folder}/orders.csv", try_parse_dates=True)
        .filter(pl.col("amount") != 0)
        .filter(pl.col("order_date") <= AS_OF)
    )
    bought = orders.group_by("customer_id").agg(
        pl.col("order_id").n_unique().alias("orders"),
        pl.col("amount").sum().alias("revenue"),
        pl.col("order_date").max().alias("last_order"),
        pl.col("order_id").filter(pl.col("discount") > 0).n_unique().alias("discount_orders"),
    )
    customers = pl.scan_csv(f"{folder}/customers.csv").select(
        "customer_id", "age", "children", "density", "country", "lifestyle", "benefit_sought"
    )
    base = (
        customers.join(bought, on="customer_id", how="left")
        .with_columns(
            pl.col("orders").fill_null(0),
            pl.col("revenue").fill_null(0.0),
            (pl.lit(AS_OF) - pl.col("last_order")).dt.total_days().alias("recency_days"),
            (pl.col("discount_orders") / pl.col("orders")).alias("discount_share"),
        )
        .collect()
    )
    buyers = base.filter(pl.col("orders") >= 1).sort("customer_id")
    def score(frame, by, descending, name):
        """SQL NTILE(5) over (by, customer_id): sort, then number the rows."""
        s = frame.sort([by, "customer_id"], descending=[descending, False], nulls_last=not descending)
        n = s.height
        q, r = divmod(n, 5)
        big = r * (q + 1)
        pos = pl.int_range(0, n, eager=True)
        tile = pl.select(
            pl.when(pos < big).then(pos // (q + 1) + 1).otherwise((pos - big) // max(q, 1) + r + 1)
        ).to_series()
        return s.select("customer_id").with_columns(tile.alias(name))

    buyers = buyers.with_columns(pl.col("revenue").round(2).alias("m_measure"))
    scores = (
        score(buyers, "recency_days", True, "r_score")
        .join(score(buyers, "orders", False, "f_score"), on="customer_id")
        .join(score(buyers, "m_measure", False, "m_score"), on="customer_id")
    )
    b = base.join(scores, on="customer_id", how="left").sort("customer_id")

    def case(*rules, otherwise="unassigned"):
        e = None
        for cond, label in rules:
            e = pl.when(cond).then(pl.lit(label)) if e is None else e.when(cond).then(pl.lit(label))
        return e.otherwise(pl.lit(otherwise))

    c = pl.col
    member = b.select(
        "customer_id",
        case((c("age") < 25, "young"), (c("age") < 40, "adult"), (c("age") < 60, "middle-aged"),
             (c("age") >= 60, "senior")).alias("age_band"),
        case((c("children") == 0, "no children"), (c("children").is_between(1, 2), "small family"),
             (c("children") >= 3, "large family")).alias("family"),
        case((c("density") < 300, "rural"), (c("density") < 1000, "suburban"),
             (c("density") >= 1000, "urban core")).alias("area"),
        case((c("country") == "Latvia", "baltic"), (c("country") == "Denmark", "nordic"),
             (c("country") == "Germany", "central"), (c("country") == "Bulgaria", "balkan"),
             (c("country").is_in(["Israel", "Azerbaijan"]), "middle east & caucasus")).alias("market"),
        case((c("lifestyle").is_in(["green", "outdoor"]), "eco-active"),
             (c("lifestyle").is_in(["premium", "tech"]), "aspirational"),
             (c("lifestyle").is_in(["budget", "family"]), "pragmatic")).alias("lifestyle"),
        case((c("orders") == 0, "prospect"), (c("orders") == 1, "one-time"),
             (c("recency_days") > 365, "lapsed"), (c("orders") >= 10, "loyal"),
             (pl.lit(True), "repeat")).alias("lifecycle"),
        case((c("orders") == 0, "no purchases"),
             ((c("r_score") >= 4) & (c("f_score") >= 4) & (c("m_score") >= 4), "champions"),
             (c("f_score") >= 4, "loyal"),
             ((c("r_score") >= 4) & (c("f_score") <= 2), "new"),
             ((c("r_score") <= 2) & (c("f_score") >= 3), "at risk"),
             (c("r_score") <= 2, "hibernating"), otherwise="others").alias("rfm"),
        case((c("discount_share") > 0.5, "deal seeker"), (c("benefit_sought") == "low price", "price"),
             (c("benefit_sought").is_in(["quality", "features"]), "product"),
             (c("benefit_sought").is_in(["service", "convenience"]), "experience")).alias("benefit"),
    )
    member.write_csv(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
