//! The functions a condition may call: lower upper length trim abs round coalesce year month day.

use super::frame::{Cells, DType, NULL_CODE, TextVec, Vector};
use super::value::{Val, col};
use crate::engine::rules::condition::{Expr, Func};

/// Round half away from zero to `digits` decimals (as SQL engines do on doubles: scale, round, unscale).
pub fn round_half_away(x: f64, digits: i32) -> f64 {
    if digits == 0 {
        return x.round();
    }
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

pub(super) fn function(func: Func, args: Vec<Val>, exprs: &[Expr], n: usize) -> Val {
    let a = &args[0];
    match func {
        Func::Lower | Func::Upper | Func::Trim => text(func, a),
        Func::Length => length(a),
        Func::Abs => match a.dtype() {
            Some(DType::Int) => col(Vector::Int(
                (0..n)
                    .map(|i| a.i64(i).and_then(|x| x.checked_abs()))
                    .collect(),
            )),
            Some(_) => col(Vector::Float(
                (0..n).map(|i| a.f64(i).map(f64::abs)).collect(),
            )),
            None => Val::Null,
        },
        Func::Round => round(args, exprs, n),
        Func::Year | Func::Month | Func::Day => {
            use chrono::Datelike;
            let ep = crate::engine::data::infer::epoch();
            let part = |d: i64| {
                let date = ep + chrono::Duration::days(d);
                match func {
                    Func::Year => date.year() as i64,
                    Func::Month => date.month() as i64,
                    _ => date.day() as i64,
                }
            };
            col(Vector::Int((0..n).map(|i| a.i64(i).map(part)).collect()))
        }
        Func::Coalesce => coalesce(&args, n),
    }
}

/// lower, upper and trim: once per distinct text.
fn text(func: Func, a: &Val) -> Val {
    let f = |s: &str| match func {
        Func::Lower => s.to_lowercase(),
        Func::Upper => s.to_uppercase(),
        _ => s.trim().to_string(),
    };
    match a {
        Val::Text(s) => Val::Text(f(s)),
        Val::Col(c) => match &**c {
            Vector::Text(t) => col(Vector::Text(TextVec {
                codes: t.codes.clone(),
                dict: t.dict.iter().map(&f).collect(),
            })),
            _ => Val::Null,
        },
        _ => Val::Null,
    }
}

/// length in characters, once per distinct text.
fn length(a: &Val) -> Val {
    match a {
        Val::Text(s) => Val::Int(s.chars().count() as i64),
        Val::Col(c) => match &**c {
            Vector::Text(t) => {
                let per: Vec<i64> = t.dict.iter().map(|s| s.chars().count() as i64).collect();
                col(Vector::Int(
                    t.codes
                        .iter()
                        .map(|&c| (c != NULL_CODE).then(|| per[c as usize]))
                        .collect(),
                ))
            }
            _ => Val::Null,
        },
        _ => Val::Null,
    }
}

/// round(x[, digits]), half away from zero; integers stay integers.
fn round(args: Vec<Val>, exprs: &[Expr], n: usize) -> Val {
    let a = &args[0];
    let digits = match exprs.get(1) {
        Some(Expr::Int(d)) => *d as i32,
        _ => 0,
    };
    match a.dtype() {
        Some(DType::Int) if digits >= 0 => args.into_iter().next().unwrap_or(Val::Null),
        Some(DType::Int) => col(Vector::Int(
            (0..n)
                .map(|i| a.f64(i).map(|x| round_half_away(x, digits) as i64))
                .collect(),
        )),
        Some(_) => col(Vector::Float(
            (0..n)
                .map(|i| a.f64(i).map(|x| round_half_away(x, digits)))
                .collect(),
        )),
        None => Val::Null,
    }
}

/// The first value present, in the type all arguments share (else as numbers).
fn coalesce(args: &[Val], n: usize) -> Val {
    let types: Vec<DType> = args.iter().filter_map(|v| v.dtype()).collect();
    let Some(&t0) = types.first() else {
        return Val::Null;
    };
    if types.iter().all(|t| *t == DType::Text) {
        let v: Vec<Option<&str>> = (0..n)
            .map(|i| args.iter().find_map(|x| x.text(i)))
            .collect();
        return col(Vector::Text(TextVec::from_values(v.into_iter())));
    }
    if types.iter().all(|t| *t == t0) && matches!(t0, DType::Int | DType::Date | DType::Bool) {
        let v: Cells<i64> = (0..n).map(|i| args.iter().find_map(|x| x.i64(i))).collect();
        return col(match t0 {
            DType::Int => Vector::Int(v),
            DType::Date => Vector::Date(v.into_map(|d| d as i32)),
            _ => Vector::Bool(v.into_map(|b| b != 0)),
        });
    }
    col(Vector::Float(
        (0..n).map(|i| args.iter().find_map(|x| x.f64(i))).collect(),
    ))
}
