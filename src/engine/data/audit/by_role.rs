//! Findings read from the columns' roles: missing ids and totals rows, cancellations, negative money, odd dates.

use std::collections::HashSet;

use polars::prelude::*;

use super::{AuditRoles, Finding, Severity, n, series};
use crate::engine::data::values::{as_f64, is_numeric, show_day};

/// A report's totals row ("Total", "ALL" where the other ids are whole numbers): runs leave it
/// out, with a warning naming it.
fn totals_rows(id: &Series, f: &mut Vec<Finding>) {
    use crate::engine::data::totals::{is_plain_int, is_totals_word};
    let Ok(ca) = id.str() else { return };
    let mut rows = Vec::new();
    for (i, v) in ca.iter().enumerate() {
        match v {
            Some(w) if is_totals_word(w) => rows.push((i, w.trim().to_string())),
            Some(w) if !is_plain_int(w.trim()) => return,
            _ => {}
        }
    }
    let Some((_, first)) = rows.first() else {
        return;
    };
    f.push(Finding {
        severity: Severity::Warning,
        lines: vec![],
        option: None,
        code: "totals_rows",
        column: Some(id.name().to_string()),
        count: rows.len(),
        message: format!(
            "{} {first:?} where the other customer ids ({}) are numbers: a report's totals, not \
             data; runs leave {} out (delete from the file)",
            match rows.len() {
                1 => "1 row holds".to_string(),
                k => format!("{} rows hold words such as", n(k)),
            },
            id.name(),
            if rows.len() == 1 { "it" } else { "them" }
        ),
    });
}

/// Customer ids missing, and (in a customers table) ids on more than one row.
pub(super) fn id_findings(df: &DataFrame, roles: &AuditRoles, f: &mut Vec<Finding>) {
    let rows = df.height();
    if let Some(id) = roles.customer_id.as_deref().and_then(|c| series(df, c)) {
        totals_rows(id, f);
        let missing = id.null_count();
        if missing > 0 {
            f.push(Finding {
                severity: Severity::Warning,
                lines: vec![],
                option: None,
                code: "missing_ids",
                column: Some(id.name().to_string()),
                count: missing,
                message: format!(
                    "{} of {} rows have no customer id ({}); they cannot be attributed to a customer",
                    n(missing),
                    n(rows),
                    id.name()
                ),
            });
        }
    }
}

/// Cancellation invoices (numbers starting with C), as in the UCI Online Retail log.
pub(super) fn cancellation_findings(df: &DataFrame, roles: &AuditRoles, f: &mut Vec<Finding>) {
    if let Some(oid) = roles.order_id.as_deref().and_then(|c| series(df, c))
        && let Ok(ca) = oid.str()
    {
        let mut lines = 0usize;
        let mut invoices = HashSet::new();
        for v in ca.iter().flatten() {
            if v.starts_with(['C', 'c'])
                && v[1..].bytes().all(|b| b.is_ascii_digit())
                && v.len() > 1
            {
                lines += 1;
                invoices.insert(v);
            }
        }
        if lines > 0 {
            f.push(Finding {
                    severity: Severity::Info,
                    lines: vec![],
                    option: None,
                    code: "cancellations",
                    column: Some(oid.name().to_string()),
                    count: invoices.len(),
                    message: format!(
                        "{} cancellation invoices (numbers starting with C) on {} lines; they count as returns, or leave them out with orders_filter",
                        n(invoices.len()),
                        n(lines)
                    ),
                });
        }
    }
}

/// Negative quantities and amounts, zero and negative prices.
pub(super) fn money_findings(df: &DataFrame, roles: &AuditRoles, f: &mut Vec<Finding>) {
    let negatives = |col: &str, what: &str, f: &mut Vec<Finding>| {
        if let Some(s) = series(df, col).filter(|s| is_numeric(s.dtype())) {
            let v = as_f64(s).unwrap_or_default();
            let neg = v.iter().flatten().filter(|x| **x < 0.0).count();
            if neg > 0 {
                f.push(Finding {
                    severity: Severity::Info,
                    lines: vec![],
                    option: None,
                    code: "negative_values",
                    column: Some(col.to_string()),
                    count: neg,
                    message: format!(
                        "{} rows with a negative {what} in {col} (returns or cancellations)",
                        n(neg)
                    ),
                });
            }
        }
    };
    if let Some(q) = &roles.quantity {
        negatives(q, "quantity", f);
    }
    for a in &roles.amounts {
        negatives(a, "amount", f);
    }
    if let Some(p) = roles
        .unit_price
        .as_deref()
        .and_then(|c| series(df, c))
        .filter(|s| is_numeric(s.dtype()))
    {
        let v = as_f64(p).unwrap_or_default();
        let zero = v.iter().flatten().filter(|x| **x == 0.0).count();
        let neg = v.iter().flatten().filter(|x| **x < 0.0).count();
        if zero > 0 {
            f.push(Finding {
                severity: Severity::Info,
                lines: vec![],
                option: None,
                code: "zero_prices",
                column: Some(p.name().to_string()),
                count: zero,
                message: format!(
                    "{} rows with a zero price in {} (free items, samples or data errors)",
                    n(zero),
                    p.name()
                ),
            });
        }
        if neg > 0 {
            f.push(Finding {
                severity: Severity::Warning,
                lines: vec![],
                option: None,
                code: "negative_prices",
                column: Some(p.name().to_string()),
                count: neg,
                message: format!(
                    "{} rows with a negative price in {} (usually adjustments, not sales)",
                    n(neg),
                    p.name()
                ),
            });
        }
    }
}

/// Dates after today or before 1900.
pub(super) fn date_findings(df: &DataFrame, roles: &AuditRoles, f: &mut Vec<Finding>) {
    let today =
        (chrono::Utc::now().date_naive() - crate::engine::data::infer::epoch()).num_days() as f64;
    let floor = (chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("date")
        - crate::engine::data::infer::epoch())
    .num_days() as f64;
    for d in &roles.dates {
        let Some(s) = series(df, d) else { continue };
        let v = as_f64(s).unwrap_or_default();
        let future = v.iter().flatten().filter(|x| x.floor() > today).count();
        let old = v.iter().flatten().filter(|x| **x < floor).count();
        if future > 0 {
            f.push(Finding {
                severity: Severity::Warning,
                lines: vec![],
                option: None,
                code: "future_dates",
                column: Some(d.clone()),
                count: future,
                message: format!(
                    "{} dates in {d} are after today ({})",
                    n(future),
                    show_day(today as i64)
                ),
            });
        }
        if old > 0 {
            f.push(Finding {
                severity: Severity::Warning,
                lines: vec![],
                option: None,
                code: "implausible_dates",
                column: Some(d.clone()),
                count: old,
                message: format!("{} dates in {d} are before 1900", n(old)),
            });
        }
        // a system's stand-in for "no date", among real ones
        let present = v.iter().flatten().count();
        let stand_ins = (v.iter().flatten())
            .filter(|x| x.floor() == 0.0 || x.floor() == floor)
            .count();
        if stand_ins > 0 && stand_ins * 2 < present {
            f.push(Finding {
                severity: Severity::Warning,
                lines: vec![],
                option: None,
                code: "placeholder_dates",
                column: Some(d.clone()),
                count: stand_ins,
                message: format!(
                    "{} dates in {d} are 1970-01-01 or 1900-01-01, which systems write for no \
                     date: a run takes them as real days (recency, tenure)",
                    n(stand_ins)
                ),
            });
        }
    }
}
