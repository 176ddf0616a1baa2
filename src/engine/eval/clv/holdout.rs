//! The holdout check: fit up to a calibration date, compare predicted with actual repeat purchases after it.

use super::{BgNbdFit, ClvConfig, ClvError, History, fit_bgnbd};
use crate::engine::data::Cells;

/// Customers with the same number of calibration-period repeat purchases.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HoldoutRow {
    /// Repeat purchases in the calibration period (the last row holds this many or more).
    pub frequency: u32,
    pub or_more: bool,
    pub customers: usize,
    /// Mean repeat purchases (distinct purchase days) in the holdout period.
    pub actual: f64,
    /// Mean expected purchases over the holdout period, from the calibration fit.
    pub predicted: f64,
}

/// The calibration fit and how it predicted the holdout period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Holdout {
    /// Day numbers: the last calibration day and the end of the holdout period.
    #[serde(skip)]
    pub calibration_end: i32,
    #[serde(skip)]
    pub end: i32,
    /// Length of the holdout period, in the model's unit.
    pub duration: f64,
    pub fit: BgNbdFit,
    pub rows: Vec<HoldoutRow>,
    pub customers: usize,
    pub actual_total: f64,
    pub predicted_total: f64,
    /// Said when the holdout period is too short to judge the model by.
    pub note: Option<String>,
}

/// Per customer: first and last calibration day, calibration purchase days, holdout purchase days.
type Split = (Cells<i32>, Cells<i32>, Cells<i64>, Vec<u32>);

fn split(purchases: &[(u32, i32)], n: usize, cal_end: i32, end: i32) -> Split {
    let mut days: Vec<Vec<i32>> = vec![Vec::new(); n];
    for &(c, d) in purchases {
        if d <= end {
            days[c as usize].push(d);
        }
    }
    let (mut first, mut last, mut count) = (Cells::new(), Cells::new(), Cells::new());
    let mut after = vec![];
    for mut d in days {
        d.sort_unstable();
        d.dedup();
        let k = d.partition_point(|&x| x <= cal_end);
        first.push(d[..k].first().copied());
        last.push(d[..k].last().copied());
        count.push((k > 0).then_some(k as i64));
        after.push((d.len() - k) as u32);
    }
    (first, last, count, after)
}

/// Fit BG/NBD on `purchases` (customer, day) up to `cal_end`, then compare its expected
/// purchases over (cal_end, end] with what the customers bought, by calibration frequency
/// (frequencies of `max_frequency` and more share the last row).
pub fn holdout(
    purchases: &[(u32, i32)],
    n: usize,
    cal_end: i32,
    end: i32,
    config: &ClvConfig,
    max_frequency: u32,
) -> Result<Holdout, ClvError> {
    let day = |d: i32| crate::engine::format::day_text(d);
    if end <= cal_end {
        return Err(ClvError::NoHoldout(day(cal_end), day(end)));
    }
    let (first, last, count, after) = split(purchases, n, cal_end, end);
    let spend = Cells::nulls(n);
    let h = History {
        first: &first,
        last: &last,
        purchase_days: &count,
        repeat_avg_value: &spend,
        as_of: cal_end,
    };
    let fit = fit_bgnbd(&h, config.unit).map_err(|e| match e {
        ClvError::NoHistory => ClvError::NoCalibration(day(cal_end)),
        ClvError::TooFewRepeatBuyers { found, need, .. } => ClvError::TooFewRepeatBuyers {
            model: "BG/NBD (up to the calibration end)",
            found,
            need,
        },
        e => e,
    })?;
    let duration = (end - cal_end) as f64 / config.unit.days();
    let (rows, customers, actual_total, predicted_total) =
        compare(&h, &fit, &after, (config.unit, duration), max_frequency);
    let note = (duration < 4.0).then(|| {
        format!(
            "the holdout period is only {duration:.1} {}s: too short to judge the model by",
            config.unit.as_str()
        )
    });
    Ok(Holdout {
        note,
        calibration_end: cal_end,
        end,
        duration,
        fit,
        rows,
        customers,
        actual_total,
        predicted_total,
    })
}

/// Purchases expected by `fit` over the holdout period against those made (`after`), per
/// calibration frequency (averaged per customer), and the customers and totals compared.
fn compare(
    h: &History,
    fit: &crate::engine::eval::clv::BgNbdFit,
    after: &[u32],
    (unit, duration): (crate::engine::rules::TimeUnit, f64),
    max_frequency: u32,
) -> (Vec<HoldoutRow>, usize, f64, f64) {
    let mut rows: Vec<HoldoutRow> = (0..=max_frequency)
        .map(|f| HoldoutRow {
            frequency: f,
            or_more: f == max_frequency,
            customers: 0,
            actual: 0.0,
            predicted: 0.0,
        })
        .collect();
    let (mut customers, mut actual_total, mut predicted_total) = (0, 0.0, 0.0);
    for (i, &bought) in after.iter().enumerate() {
        let Some(inp) = h.inputs(i, unit) else {
            continue;
        };
        let e = fit
            .params
            .expected_purchases(inp.x, inp.t_x, inp.t, duration)
            .unwrap_or(0.0);
        let row = &mut rows[inp.x.min(max_frequency) as usize];
        row.customers += 1;
        row.actual += bought as f64;
        row.predicted += e;
        customers += 1;
        actual_total += bought as f64;
        predicted_total += e;
    }
    for r in &mut rows {
        if r.customers > 0 {
            r.actual /= r.customers as f64;
            r.predicted /= r.customers as f64;
        }
    }
    (rows, customers, actual_total, predicted_total)
}
