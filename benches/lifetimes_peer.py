"""Time the Python package lifetimes on the same job as `cargo bench --bench segmentation -- --clv`:
the per-customer summary from the order lines, BG/NBD and Gamma-Gamma fits, every customer scored.

usage: python benches/lifetimes_peer.py ORDERS.csv AS_OF [UNIT_DAYS] [HORIZON]
(columns customer_id, order_date, amount as in `strata demo`; needs `pip install lifetimes`)
"""
import sys
import time

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter


def main():
    path, as_of = sys.argv[1], pd.Timestamp(sys.argv[2])
    unit = float(sys.argv[3]) if len(sys.argv) > 3 else 7.0
    horizon = float(sys.argv[4]) if len(sys.argv) > 4 else 52.0
    t0 = time.perf_counter()
    o = pd.read_csv(path, usecols=["customer_id", "order_date", "amount"], parse_dates=["order_date"])
    o = o[(o.amount != 0) & (o.order_date <= as_of)]
    t1 = time.perf_counter()
    # purchase days: each day's rows summed, as strata and the literature count them
    days = o.groupby(["customer_id", "order_date"], sort=True).amount.sum().reset_index()
    g = days.groupby("customer_id")
    first, last, n = g.order_date.min(), g.order_date.max(), g.order_date.size()
    first_value = days.drop_duplicates("customer_id").set_index("customer_id").amount
    x = n - 1
    t_x = (last - first).dt.days / unit
    T = (as_of - first).dt.days / unit
    total = g.amount.sum()
    zbar = ((total - first_value) / x.where(x > 0)).fillna(0.0)
    t2 = time.perf_counter()
    try:
        bg = BetaGeoFitter().fit(x, t_x, T)
    except Exception as e:  # lifetimes raises ConvergenceError on a flat likelihood
        t_fail = time.perf_counter()
        print(f"BG/NBD fit failed after {t_fail - t2:.2f} s: {type(e).__name__}; "
              "again with penalizer_coef=0.001 (a slightly different model)")
        t2 = t_fail
        bg = BetaGeoFitter(penalizer_coef=0.001).fit(x, t_x, T)
    t3 = time.perf_counter()
    rep = x > 0
    ok = rep & (zbar > 0)
    gg = GammaGammaFitter().fit(x[ok], zbar[ok])
    t4 = time.perf_counter()
    alive = bg.conditional_probability_alive(x, t_x, T)
    expected = bg.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T)
    spend = gg.conditional_expected_average_profit(x, zbar.where(rep))
    value = np.asarray(expected) * np.asarray(spend)
    t5 = time.perf_counter()
    print(f"customers {len(x)}, repeat buyers {int(ok.sum())}")
    print(f"read + filter {t1 - t0:.2f} s, summary {t2 - t1:.2f} s")
    print(f"BG/NBD fit {t3 - t2:.2f} s  {dict(bg.params_.round(4))}")
    print(f"Gamma-Gamma fit {t4 - t3:.2f} s  {dict(gg.params_.round(4))}")
    print(f"scoring {t5 - t4:.2f} s (mean p_alive {np.mean(alive):.4f}, total value {np.nansum(value):.0f})")
    print(f"fit + scoring {t5 - t2:.2f} s; with the summary {t5 - t1:.2f} s")


if __name__ == "__main__":
    main()
