//! Reading typed values out of a column, and showing them as text.

use polars::prelude::*;

use super::infer::epoch;

/// The kind of a column in words a marketer understands.
pub fn kind_name(dt: &DataType) -> &'static str {
    match dt {
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => "integer",
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => "integer",
        DataType::Float32 | DataType::Float64 => "number",
        DataType::Boolean => "boolean",
        DataType::Date => "date",
        DataType::Datetime(_, _) => "datetime",
        DataType::String => "text",
        _ => "other",
    }
}

pub fn is_numeric(dt: &DataType) -> bool {
    matches!(kind_name(dt), "integer" | "number")
}

pub fn is_temporal(dt: &DataType) -> bool {
    matches!(dt, DataType::Date | DataType::Datetime(_, _))
}

/// Numbers of a numeric or temporal column (dates as days since 1970, date-times as fractional days).
pub fn as_f64(s: &Series) -> Option<Vec<Option<f64>>> {
    let dt = s.dtype();
    if is_numeric(dt) {
        let c = s.cast(&DataType::Float64).ok()?;
        return Some(c.f64().ok()?.iter().collect());
    }
    match dt {
        DataType::Date => {
            let c = s.cast(&DataType::Int32).ok()?;
            Some(c.i32().ok()?.iter().map(|v| v.map(f64::from)).collect())
        }
        DataType::Datetime(tu, _) => {
            let per_day = match tu {
                TimeUnit::Milliseconds => 86_400_000.0,
                TimeUnit::Microseconds => 86_400_000_000.0,
                TimeUnit::Nanoseconds => 86_400_000_000_000.0,
            };
            let c = s.cast(&DataType::Int64).ok()?;
            Some(
                c.i64()
                    .ok()?
                    .iter()
                    .map(|v| v.map(|x| x as f64 / per_day))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Show a number as the column's kind would: dates as dates, integers without decimals.
pub fn show_number(dt: &DataType, v: f64) -> String {
    match dt {
        DataType::Date => show_day(v.floor() as i64),
        DataType::Datetime(_, _) => {
            let day = v.floor();
            let secs = ((v - day) * 86_400.0).round() as u32;
            format!(
                "{} {:02}:{:02}:{:02}",
                show_day(day as i64),
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            )
        }
        _ if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        _ => {
            let s = format!("{v:.4}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

pub fn show_day(days: i64) -> String {
    (epoch() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Text of every value (None for nulls).
pub fn as_text(s: &Series) -> Vec<Option<String>> {
    if let Ok(ca) = s.str() {
        return ca.iter().map(|v| v.map(str::to_string)).collect();
    }
    let dt = s.dtype().clone();
    if let Some(nums) = as_f64(s) {
        return nums
            .into_iter()
            .map(|v| v.map(|x| show_number(&dt, x)))
            .collect();
    }
    match s.cast(&DataType::String) {
        Ok(c) => c
            .str()
            .map(|ca| ca.iter().map(|v| v.map(str::to_string)).collect())
            .unwrap_or_default(),
        Err(_) => vec![None; s.len()],
    }
}
