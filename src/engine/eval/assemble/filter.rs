//! The order rows that count: the workspace's filter, dated up to as_of, with a customer id.

use super::super::frame::{DType, Frame, Vector};
use super::{col_name, order_cid, order_days};
use crate::engine::error::{EngineError, Result};
use crate::engine::eval::compile::compile;
use crate::engine::eval::expr::eval_bool;
use crate::engine::rules::Workspace;
use crate::engine::rules::condition::parse_condition;
use crate::engine::rules::condition_error;

/// The rows the orders filter keeps (all without a filter).
fn filtered(ws: &Workspace, of: &Frame) -> Result<Vec<bool>> {
    let mut keep: Vec<bool> = vec![true; of.len];
    if let Some(flt) = &ws.data.orders_filter {
        let e = parse_condition(flt)
            .and_then(|e| compile(&e, &|n| of.dtype_of(n), &of.names))
            .map_err(|e| condition_error(ws, flt, "data.orders_filter", &e))?;
        for (k, b) in eval_bool(&e.0, of).iter().enumerate() {
            keep[k] = b == Some(true);
        }
    }
    Ok(keep)
}

/// The warning for `n` kept rows left out for a reason (none when there are none).
fn left_out(n: usize, what: &str, warnings: &mut Vec<String>) {
    if n > 0 {
        warnings.push(format!(
            "{} order rows {what} were left out",
            crate::engine::format::thousands(n as u64)
        ));
    }
}

/// The rows `keep` marks, less those dated after as_of (`late`) and then those without a
/// customer id (`no_id`), with how many each left out; rows in parallel ranges.
fn kept_rows(
    keep: &[bool],
    late: impl Fn(usize) -> bool + Sync,
    no_id: impl Fn(usize) -> bool + Sync,
) -> (Vec<u32>, usize, usize) {
    let ([rows], counts) = crate::engine::parallel::fill_ranges(keep.len(), |range, [out]| {
        let (mut k, mut lates, mut no_ids) = (0, 0, 0);
        for i in range.filter(|&i| keep[i]) {
            if late(i) {
                lates += 1;
            } else if no_id(i) {
                no_ids += 1;
            } else {
                out[k] = i as u32;
                k += 1;
            }
        }
        (k, (lates, no_ids))
    });
    let (lates, no_ids) = counts.iter().fold((0, 0), |(a, b), c| (a + c.0, b + c.1));
    (rows, lates, no_ids)
}

/// Without as_of in the workspace, the day after the last order is the reference date: when
/// that order is dated after today, every recency is measured from a day to come. Say so,
/// counting the orders after today.
fn future_as_of(as_of: Option<i32>, days: &Vector, keep: &[bool], warnings: &mut Vec<String>) {
    let epoch = crate::engine::data::infer::epoch();
    let today = (chrono::Utc::now().date_naive() - epoch).num_days() as i32;
    let (Some(a), Vector::Date(d)) = (as_of, days) else {
        return;
    };
    if a <= today + 1 {
        return;
    }
    let later = (0..keep.len())
        .filter(|&i| keep[i] && d.get(i).is_some_and(|x| x > today))
        .count();
    let day = |n: i32| epoch + chrono::Duration::days(i64::from(n));
    warnings.push(format!(
        "as_of is not set, so it is the day after the last order: {}, after today ({}); {} order \
         rows are dated after today and every recency is counted from then: set as_of in \
         [data] (e.g. as_of = {:?}), or correct those dates",
        day(a),
        day(today),
        crate::engine::format::thousands(later as u64),
        day(today + 1).to_string()
    ));
}

/// The kept order rows and as_of (as given, else the day after the last kept order); rows
/// after as_of and rows without a customer id are left out with a warning each.
pub(super) fn order_rows(
    ws: &Workspace,
    of: &Frame,
    warnings: &mut Vec<String>,
) -> Result<(Vec<u32>, Option<i32>)> {
    // order rows are numbered with 32 bits (half the memory of machine words)
    if of.len > u32::MAX as usize {
        return Err(EngineError::Invalid(format!(
            "{} order lines are more than strata can number (4,294,967,295); filter the \
             orders first or run the segmentation in a database with `strata sql`",
            of.len
        )));
    }
    if of.len == 0 {
        warnings.push(format!(
            "the orders table has no rows (a header only?); {}",
            super::orders::NOTHING_COUNTS
        ));
    }
    let keep = filtered(ws, of)?;
    let mut as_of = ws
        .data
        .as_of
        .as_ref()
        .map(|d| (d.value - crate::engine::data::infer::epoch()).num_days() as i32);
    let mut days = None;
    if let Some(dc) = col_name(&ws.columns.order_date)
        && let Some(v) = of.get(&dc)
    {
        if v.dtype() != DType::Date {
            return Err(not_dates(ws, &dc, v.dtype()));
        }
        let day_col = order_days(Some(v), of.len);
        if as_of.is_none() {
            let Vector::Date(d) = &*day_col else {
                unreachable!("order_days gives dates")
            };
            as_of = (0..of.len)
                .filter(|&i| keep[i])
                .filter_map(|i| d.get(i))
                .max()
                .map(|d| d + 1);
            future_as_of(as_of, &day_col, &keep, warnings);
        }
        days = Some(day_col);
    }
    let late = |i: usize| match (&days, as_of) {
        (Some(v), Some(a)) => matches!(&**v, Vector::Date(d) if d.get(i).is_some_and(|d| d > a)),
        _ => false,
    };
    let cid = order_cid(ws).and_then(|c| of.get(&c));
    let no_id = |i: usize| cid.is_some_and(|v| v.is_null(i));
    let (mut rows, lates, no_ids) = kept_rows(&keep, late, no_id);
    left_out(lates, "dated after as_of", warnings);
    left_out(no_ids, "without a customer id", warnings);
    if let Some(v) = cid {
        without_totals(ws, v, &mut rows, warnings);
    }
    Ok((rows, as_of))
}

/// An order date column that holds `dtype`, not dates: what it likely is, and what to do.
fn not_dates(ws: &Workspace, dc: &str, dtype: DType) -> EngineError {
    // numbers: most likely a database's seconds (or days) since 1970, which no date format reads
    let what_to_do = match dtype {
        DType::Int | DType::Float => format!(
            "if they count seconds since 1970 (a database's time stamps), convert them where \
             they are read, e.g. a SQLite entry's query = \"SELECT …, date({dc}, 'unixepoch') \
             AS {dc} FROM …\""
        ),
        _ => "set date_format for the orders file".into(),
    };
    EngineError::data(
        &ws.file,
        format!(
            "order date column \"{dc}\" holds {}, not dates; {what_to_do}",
            dtype.name()
        ),
    )
}

/// The kept `rows` less a report's totals rows ("ALL" where the customer ids `v` are numbers),
/// with a warning naming them.
fn without_totals(ws: &Workspace, v: &Vector, rows: &mut Vec<u32>, warnings: &mut Vec<String>) {
    let totals = super::ids::totals_rows(v, rows.iter().map(|&r| r as usize));
    if !totals.is_empty() {
        let file = ws.data.orders.as_ref();
        let what = ("an order", "orders");
        warnings.push(super::customers::totals_left_out(
            ws, file, v, &totals, what,
        ));
        rows.retain(|&r| totals.binary_search(&(r as usize)).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::{kept_rows, left_out};

    #[test]
    fn rows_left_out_are_counted_with_thousands_separators() {
        let n = 100_000;
        let mut keep = vec![true; n];
        keep[0] = false;
        keep[40_000] = false;
        // late: rows below 1,235; no id: every tenth row from 30,000
        // in four ranges, whatever the machine
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let (rows, lates, no_ids) =
            pool.install(|| kept_rows(&keep, |i| i < 1235, |i| i >= 30_000 && i % 10 == 0));
        // a row left out already (0, 40,000) is not counted again, and a late row is counted
        // once, as late, whatever its id
        assert_eq!((lates, no_ids), (1234, 6999));
        let expect: Vec<u32> = (1235..n as u32)
            .filter(|&i| i != 40_000 && !(i >= 30_000 && i % 10 == 0))
            .collect();
        assert_eq!(rows, expect);
        let mut warnings = Vec::new();
        left_out(lates, "dated after as_of", &mut warnings);
        left_out(0, "without a customer id", &mut warnings);
        assert_eq!(
            warnings,
            ["1,234 order rows dated after as_of were left out"]
        );
    }
}
