//! The order rows that count: the workspace's filter, dated up to as_of, with a customer id.

use super::super::frame::{DType, Frame, Vector};
use super::{col_name, order_cid, order_days};
use crate::engine::error::{EngineError, Result};
use crate::engine::eval::compile::compile;
use crate::engine::eval::expr::eval_bool;
use crate::engine::eval::session::ws_error;
use crate::engine::rules::Workspace;
use crate::engine::rules::condition::parse_condition;

/// The rows the orders filter keeps (all without a filter).
fn filtered(ws: &Workspace, of: &Frame) -> Result<Vec<bool>> {
    let mut keep: Vec<bool> = vec![true; of.len];
    if let Some(flt) = &ws.data.orders_filter {
        let e = parse_condition(flt)
            .and_then(|e| compile(&e, &|n| of.dtype_of(n), &of.names))
            .map_err(|e| ws_error(ws, flt, "data.orders_filter", &e))?;
        for (k, b) in eval_bool(&e.0, of).iter().enumerate() {
            keep[k] = b == Some(true);
        }
    }
    Ok(keep)
}

/// Leave out the kept rows `out` marks, counting them in a warning.
fn leave_out(
    keep: &mut [bool],
    out: impl Fn(usize) -> bool,
    what: &str,
    warnings: &mut Vec<String>,
) {
    let n = (0..keep.len()).filter(|&i| keep[i] && out(i)).count();
    if n > 0 {
        warnings.push(format!(
            "{} order rows {what} were left out",
            crate::engine::format::thousands(n as u64)
        ));
        for (i, k) in keep.iter_mut().enumerate() {
            if out(i) {
                *k = false;
            }
        }
    }
}

/// The kept order rows and as_of (as given, else the day after the last kept order); rows
/// after as_of and rows without a customer id are left out with a warning each.
pub(super) fn order_rows(
    ws: &Workspace,
    of: &Frame,
    warnings: &mut Vec<String>,
) -> Result<(Vec<usize>, Option<i32>)> {
    let mut keep = filtered(ws, of)?;
    let mut as_of = ws
        .data
        .as_of
        .as_ref()
        .map(|d| (d.value - crate::engine::data::infer::epoch()).num_days() as i32);
    if let Some(dc) = col_name(&ws.columns.order_date)
        && let Some(v) = of.get(&dc)
    {
        if v.dtype() != DType::Date {
            return Err(EngineError::data(
                &ws.file,
                format!(
                    "order date column \"{dc}\" holds {}, not dates; set date_format for the orders file",
                    v.dtype().name()
                ),
            ));
        }
        let day_col = order_days(Some(v), of.len);
        let Vector::Date(days) = &*day_col else {
            unreachable!("order_days gives dates")
        };
        if as_of.is_none() {
            as_of = (0..of.len)
                .filter(|&i| keep[i])
                .filter_map(|i| days.get(i))
                .max()
                .map(|d| d + 1);
        }
        if let Some(a) = as_of {
            let late = |i: usize| days.get(i).is_some_and(|d| d > a);
            leave_out(&mut keep, late, "dated after as_of", warnings);
        }
    }
    if let Some(c) = order_cid(ws)
        && let Some(v) = of.get(&c)
    {
        leave_out(
            &mut keep,
            |i| v.is_null(i),
            "without a customer id",
            warnings,
        );
    }
    Ok(((0..of.len).filter(|&i| keep[i]).collect(), as_of))
}

#[cfg(test)]
mod tests {
    use super::leave_out;

    #[test]
    fn rows_left_out_are_counted_with_thousands_separators() {
        let mut keep = vec![true; 1500];
        keep[0] = false;
        let mut warnings = Vec::new();
        leave_out(&mut keep, |i| i < 1235, "dated after as_of", &mut warnings);
        // the row already left out is not counted again
        assert_eq!(
            warnings,
            ["1,234 order rows dated after as_of were left out"]
        );
        assert_eq!(keep.iter().filter(|k| **k).count(), 265);
    }
}
