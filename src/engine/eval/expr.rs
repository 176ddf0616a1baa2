//! Type-checking and evaluating conditions over a frame, with SQL three-valued logic.

use std::sync::Arc;

pub use super::compile::compile;
use super::frame::{Cells, DType, Frame, NULL_CODE, Vector};
use super::functions::function;
pub use super::functions::round_half_away;
pub use super::like::LikePattern;
use super::value::{Val, col, shared};
use crate::engine::data::cells::pack_bits;
use crate::engine::rules::condition::{BinOp, Expr};

/// Evaluate a compiled expression over every row of `f`.
pub fn eval(e: &Expr, f: &Frame) -> Vector {
    ev(e, f).into_vector(f.len)
}

/// The same, shared: a bare column is the frame's own, not a copy.
pub fn eval_shared(e: &Expr, f: &Frame) -> Arc<Vector> {
    shared(ev(e, f), f.len)
}

/// Evaluate a compiled condition: true, false or NULL per row.
pub fn eval_bool(e: &Expr, f: &Frame) -> Cells<bool> {
    match eval(e, f) {
        Vector::Bool(b) => b,
        other => (0..f.len)
            .map(|i| if other.is_null(i) { None } else { Some(true) })
            .collect(),
    }
}

/// `NOT v` when `negated`, else `v`.
fn negate_if(negated: bool, v: Val, n: usize) -> Val {
    if !negated {
        return v;
    }
    // a boolean column: its values flipped, its missing rows kept
    if let Val::Col(c) = &v
        && let Vector::Bool(b) = &**c
    {
        return col(Vector::Bool(b.map(|x| !x)));
    }
    col(Vector::Bool(
        (0..n).map(|i| v.bool(i).map(|b| !b)).collect(),
    ))
}

fn ev(e: &Expr, f: &Frame) -> Val {
    let n = f.len;
    match e {
        Expr::Null => Val::Null,
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Int(x) => Val::Int(*x),
        Expr::Float(x) => Val::Float(*x),
        Expr::Text(s) => Val::Text(s.clone()),
        Expr::Date(d) => Val::Date(*d),
        Expr::Column { name, .. } => match f.get(name) {
            Some(v) => Val::Col(v.clone()),
            None => Val::Null,
        },
        Expr::Not(x) => negate_if(true, ev(x, f), n),
        Expr::Neg(x) => {
            let v = ev(x, f);
            match v.dtype() {
                Some(DType::Int) => col(Vector::Int(
                    (0..n)
                        .map(|i| v.i64(i).and_then(|x| x.checked_neg()))
                        .collect(),
                )),
                _ => col(Vector::Float(
                    (0..n).map(|i| v.f64(i).map(|x| -x)).collect(),
                )),
            }
        }
        Expr::Binary { op, l, r } => binary(*op, ev(l, f), ev(r, f), n),
        Expr::Between { e, lo, hi, negated } => {
            let xv = shared(ev(e, f), n);
            let a = binary(BinOp::Ge, Val::Col(xv.clone()), ev(lo, f), n);
            let b = binary(BinOp::Le, Val::Col(xv), ev(hi, f), n);
            negate_if(*negated, binary(BinOp::And, a, b, n), n)
        }
        Expr::InList { e, list, negated } => {
            let x = shared(ev(e, f), n);
            // FALSE OR v is v: the first comparison starts the disjunction
            let mut acc: Option<Val> = None;
            for item in list {
                let eq = binary(BinOp::Eq, Val::Col(x.clone()), ev(item, f), n);
                acc = Some(match acc {
                    None => eq,
                    Some(a) => binary(BinOp::Or, a, eq, n),
                });
            }
            negate_if(*negated, acc.unwrap_or(Val::Bool(false)), n)
        }
        Expr::Like {
            e,
            pattern,
            negated,
            ci,
        } => {
            let v = ev(e, f);
            let m = LikePattern::new(pattern, *ci);
            let neg = *negated;
            text_map_bool(&v, n, |s| m.matches(s) != neg)
        }
        Expr::IsNull { e, negated } => {
            let v = ev(e, f);
            let is_null = |i: usize| match &v {
                Val::Null => true,
                Val::Col(c) => c.is_null(i),
                _ => false,
            };
            col(Vector::Bool(
                (0..n).map(|i| Some(is_null(i) != *negated)).collect(),
            ))
        }
        Expr::Func { f: func, args, .. } => {
            function(*func, args.iter().map(|a| ev(a, f)).collect(), args, n)
        }
    }
}

/// Apply a text → bool function, once per distinct value for dictionary columns.
fn text_map_bool(v: &Val, n: usize, f: impl Fn(&str) -> bool) -> Val {
    match v {
        Val::Text(s) => Val::Bool(f(s)),
        Val::Col(c) => match &**c {
            Vector::Text(t) => {
                let per: Vec<bool> = t.dict.iter().map(&f).collect();
                let values = t
                    .codes
                    .iter()
                    .map(|&c| per.get(c as usize).copied().unwrap_or(false))
                    .collect();
                let valid = t
                    .codes
                    .chunks(64)
                    .map(|w| pack_bits(w.iter().map(|&c| c != NULL_CODE)))
                    .collect();
                col(Vector::Bool(Cells::from_parts(values, Some(valid))))
            }
            _ => col(Vector::Bool(Cells::nulls(n))),
        },
        _ => Val::Null,
    }
}

pub(super) fn cmp_result(op: BinOp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Eq => o == Equal,
        BinOp::Ne => o != Equal,
        BinOp::Lt => o == Less,
        BinOp::Le => o != Greater,
        BinOp::Gt => o == Greater,
        BinOp::Ge => o != Less,
        _ => false,
    }
}

/// Fast paths over whole slices for the shapes rules use most: a numeric column against a
/// number, and AND / OR of two conditions. None when the shape is another one.
fn binary_fast(op: BinOp, l: &Val, r: &Val) -> Option<Val> {
    let cmp = |o: std::cmp::Ordering| cmp_result(op, o);
    match (l, r) {
        (Val::Col(c), lit) if op.is_comparison() && matches!(lit, Val::Int(_) | Val::Float(_)) => {
            let x = match lit {
                Val::Int(i) => *i as f64,
                Val::Float(f) => *f,
                _ => return None,
            };
            // the comparison over the values, the column's validity kept as it is
            Some(col(Vector::Bool(match &**c {
                Vector::Int(v) => match lit {
                    Val::Int(i) => v.map(|a| cmp(a.cmp(i))),
                    // an integer as a number is never NaN, and the literal is not either
                    _ => v.map(|a| (a as f64).partial_cmp(&x).is_some_and(cmp)),
                },
                Vector::Float(v) if !x.is_nan() && !v.values().iter().any(|a| a.is_nan()) => {
                    v.map(|a| a.partial_cmp(&x).is_some_and(cmp))
                }
                Vector::Float(v) => v
                    .iter()
                    .map(|a| a.and_then(|a| a.partial_cmp(&x).map(cmp)))
                    .collect(),
                _ => return None,
            })))
        }
        (lit, Val::Col(_)) if op.is_comparison() && matches!(lit, Val::Int(_) | Val::Float(_)) => {
            binary_fast(op.flipped(), r, l)
        }
        (Val::Col(a), Val::Col(b)) if matches!(op, BinOp::And | BinOp::Or) => match (&**a, &**b) {
            (Vector::Bool(x), Vector::Bool(y)) => {
                Some(col(Vector::Bool(kleene(op == BinOp::And, x, y))))
            }
            _ => None,
        },
        _ => None,
    }
}

/// AND (`and`) or OR of two boolean columns in three-valued logic, 64 rows at a time: each
/// side's known-true and known-false rows as bit words.
fn kleene(and: bool, x: &Cells<bool>, y: &Cells<bool>) -> Cells<bool> {
    let n = x.len().min(y.len());
    let (xv, yv) = (x.values(), y.values());
    let (xm, ym) = (x.validity(), y.validity());
    let mut values = vec![false; n];
    let mut valid = vec![0u64; n.div_ceil(64)];
    for (w, (out, ok)) in values.chunks_mut(64).zip(valid.iter_mut()).enumerate() {
        let (start, len) = (w * 64, out.len());
        let full = if len == 64 {
            u64::MAX
        } else {
            (1u64 << len) - 1
        };
        let (a, b) = (
            pack_bits(xv[start..start + len].iter().copied()),
            pack_bits(yv[start..start + len].iter().copied()),
        );
        let (am, bm) = (xm.map_or(full, |m| m[w]), ym.map_or(full, |m| m[w]));
        let (at, af) = (a & am, !a & am & full);
        let (bt, bf) = (b & bm, !b & bm & full);
        let (t, f) = if and {
            (at & bt, af | bf)
        } else {
            (at | bt, af & bf)
        };
        *ok = t | f;
        for (k, o) in out.iter_mut().enumerate() {
            *o = (t >> k) & 1 == 1;
        }
    }
    Cells::from_parts(values, Some(valid))
}

fn binary(op: BinOp, l: Val, r: Val, n: usize) -> Val {
    if let Some(v) = binary_fast(op, &l, &r) {
        return v;
    }
    if let Some(v) = super::column_math::column_with_number(op, &l, &r) {
        return v;
    }
    let (lt, rt) = (l.dtype(), r.dtype());
    match op {
        BinOp::And | BinOp::Or => logic(op, l, r, n),
        _ if lt.is_none() || rt.is_none() => Val::Null,
        _ if op.is_comparison() => compare(op, l, r, n),
        _ => arithmetic(op, l, r, n),
    }
}

/// AND / OR in three-valued logic.
fn logic(op: BinOp, l: Val, r: Val, n: usize) -> Val {
    let and = op == BinOp::And;
    let kleene = |a: Option<bool>, b: Option<bool>| -> Option<bool> {
        if and {
            match (a, b) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }
        } else {
            match (a, b) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }
        }
    };
    if !matches!(l, Val::Col(_)) && !matches!(r, Val::Col(_)) {
        return match kleene(l.bool(0), r.bool(0)) {
            Some(b) => Val::Bool(b),
            None => Val::Null,
        };
    }
    col(Vector::Bool(
        (0..n).map(|i| kleene(l.bool(i), r.bool(i))).collect(),
    ))
}

/// A comparison of two typed values (both known to have a type).
fn compare(op: BinOp, l: Val, r: Val, n: usize) -> Val {
    let (lt, rt) = (l.dtype(), r.dtype());
    match (lt.expect("typed"), rt.expect("typed")) {
        (DType::Text, DType::Text) => {
            // dictionary fast path: column against a constant
            if let (Val::Col(_), Val::Text(s)) = (&l, &r) {
                let s = s.clone();
                return text_map_bool(&l, n, |x| cmp_result(op, x.cmp(s.as_str())));
            }
            if let (Val::Text(s), Val::Col(_)) = (&l, &r) {
                let s = s.clone();
                return text_map_bool(&r, n, |x| cmp_result(op, s.as_str().cmp(x)));
            }
            col(Vector::Bool(
                (0..n)
                    .map(|i| Some(cmp_result(op, l.text(i)?.cmp(r.text(i)?))))
                    .collect(),
            ))
        }
        (DType::Int, DType::Int) | (DType::Date, DType::Date) | (DType::Bool, DType::Bool) => {
            col(Vector::Bool(
                (0..n)
                    .map(|i| Some(cmp_result(op, l.i64(i)?.cmp(&r.i64(i)?))))
                    .collect(),
            ))
        }
        _ => col(Vector::Bool(
            (0..n)
                .map(|i| l.f64(i)?.partial_cmp(&r.f64(i)?).map(|o| cmp_result(op, o)))
                .collect(),
        )),
    }
}

/// The row-by-row arithmetic, for the one-pass path's test.
#[cfg(test)]
pub(super) fn arithmetic_for_tests(op: BinOp, l: Val, r: Val, n: usize) -> Val {
    arithmetic(op, l, r, n)
}

/// Arithmetic (`+`, `-`, `*`, `/`, `%`) of two typed values: integers stay integers (but for
/// division); overflow and division by zero are NULL.
fn arithmetic(op: BinOp, l: Val, r: Val, n: usize) -> Val {
    let (lt, rt) = (l.dtype(), r.dtype());
    let ints = lt == Some(DType::Int) && rt == Some(DType::Int) && op != BinOp::Div;
    if ints {
        let f = |a: i64, b: i64| match op {
            BinOp::Add => a.checked_add(b),
            BinOp::Sub => a.checked_sub(b),
            BinOp::Mul => a.checked_mul(b),
            BinOp::Mod => a.checked_rem(b),
            _ => None,
        };
        col(Vector::Int(
            (0..n).map(|i| f(l.i64(i)?, r.i64(i)?)).collect(),
        ))
    } else {
        let f = |a: f64, b: f64| -> Option<f64> {
            let v = super::column_math::float_op(op, a, b);
            v.is_finite().then_some(v)
        };
        col(Vector::Float(
            (0..n).map(|i| f(l.f64(i)?, r.f64(i)?)).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::condition::parse_condition;

    fn frame() -> Frame {
        let mut f = Frame::new(4);
        f.set(
            "age",
            Vector::Int(vec![Some(20), Some(40), None, Some(60)].into()),
        );
        f.set(
            "x",
            Vector::Float(vec![Some(2.5), Some(-1.0), Some(0.0), None].into()),
        );
        f.set(
            "city",
            Vector::Text(crate::engine::eval::frame::TextVec::from_values(
                [Some("Rīga"), Some("Baku"), None, Some("riga")].into_iter(),
            )),
        );
        f.set(
            "d",
            Vector::Date(vec![Some(0), Some(19000), Some(20000), None].into()),
        );
        f
    }

    fn run(cond: &str) -> Vec<Option<bool>> {
        let f = frame();
        let e = parse_condition(cond).unwrap();
        let (c, _) =
            compile(&e, &|n| f.dtype_of(n), &f.names).unwrap_or_else(|e| panic!("{cond}: {e}"));
        eval_bool(&c, &f).to_options()
    }

    const T: Option<bool> = Some(true);
    const F: Option<bool> = Some(false);
    const N: Option<bool> = None;

    #[test]
    fn three_valued_logic() {
        assert_eq!(run("age > 30"), vec![F, T, N, T]);
        assert_eq!(run("NOT (age > 30)"), vec![T, F, N, F]);
        assert_eq!(run("age > 30 OR TRUE"), vec![T, T, T, T]);
        assert_eq!(run("age > 30 AND FALSE"), vec![F, F, F, F]);
        assert_eq!(run("age > 30 AND TRUE"), vec![F, T, N, T]);
        assert_eq!(run("age IS NULL"), vec![F, F, T, F]);
        assert_eq!(run("age = NULL"), vec![N, N, N, N]);
        assert_eq!(run("age IN (20, 60)"), vec![T, F, N, T]);
        assert_eq!(run("age NOT IN (20, NULL)"), vec![F, N, N, N]);
        assert_eq!(run("age BETWEEN 40 AND 60"), vec![F, T, N, T]);
        assert_eq!(run("age NOT BETWEEN 40 AND 60"), vec![T, F, N, F]);
    }

    #[test]
    fn arithmetic_and_functions() {
        assert_eq!(run("age / 40 = 0.5"), vec![T, F, N, F]);
        assert_eq!(run("age % 40 = 20"), vec![T, F, N, T]);
        assert_eq!(run("x / 0 IS NULL"), vec![T, T, T, T]);
        assert_eq!(run("abs(x) = 1"), vec![F, T, F, N]);
        assert_eq!(run("round(x) = 3"), vec![T, F, F, N]);
        assert_eq!(run("coalesce(age, 0) = 0"), vec![F, F, T, F]);
        assert_eq!(run("lower(city) = 'rīga'"), vec![T, F, N, F]);
        assert_eq!(run("length(city) = 4"), vec![T, T, N, T]);
        assert_eq!(run("year(d) = 2022"), vec![F, T, F, N]);
        assert_eq!(run("d >= '2022-01-01'"), vec![F, T, T, N]);
        assert_eq!(run("d < DATE '1970-01-02'"), vec![T, F, F, N]);
    }

    #[test]
    fn like_and_ilike() {
        assert_eq!(run("city LIKE 'R%'"), vec![T, F, N, F]);
        assert_eq!(run("city ILIKE 'r_ga'"), vec![T, F, N, T]);
        assert_eq!(run("city LIKE 'r_ga'"), vec![F, F, N, T]);
        assert_eq!(run("city ILIKE 'RĪ%'"), vec![T, F, N, F]);
        assert_eq!(run("city NOT LIKE '%a%'"), vec![F, F, N, F]);
        let p = LikePattern::new("a%b%c", false);
        assert!(p.matches("abc") && p.matches("aXbYc") && p.matches("abbc") && !p.matches("acb"));
    }

    #[test]
    fn type_errors_have_positions() {
        let f = frame();
        let chk = |c: &str| {
            compile(&parse_condition(c).unwrap(), &|n| f.dtype_of(n), &f.names).unwrap_err()
        };
        let e = chk("city > 3");
        assert!(
            e.message.contains("cannot compare text with integer"),
            "{e}"
        );
        assert_eq!(e.pos, Some(1));
        let e = chk("age > 3 AND agee < 2");
        assert_eq!(e.message, "unknown column \"agee\"");
        assert_eq!(e.pos, Some(13));
        assert_eq!(e.hint.as_deref(), Some("did you mean \"age\"?"));
        assert!(chk("age AND TRUE").message.contains("AND joins conditions"));
        assert!(
            chk("upper(age) = 'A'")
                .message
                .contains("upper() needs text")
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_half_away(2.5, 0), 3.0);
        assert_eq!(round_half_away(-2.5, 0), -3.0);
        assert_eq!(round_half_away(12.345, 2), 12.35);
        assert_eq!(round_half_away(-0.5, 0), -1.0);
        assert_eq!(round_half_away(0.125, 2), 0.13);
        assert_eq!(round_half_away(1.23456, 2), 1.23);
    }

    proptest::proptest! {
        /// AND and OR over two columns, a value or NULL in each row, as three-valued logic says.
        #[test]
        fn kleene_logic_row_by_row(
            rows in proptest::collection::vec(
                (proptest::option::of(proptest::bool::ANY), proptest::option::of(proptest::bool::ANY)),
                0..200,
            )
        ) {
            let x: Cells<bool> = rows.iter().map(|r| r.0).collect();
            let y: Cells<bool> = rows.iter().map(|r| r.1).collect();
            let and: Vec<Option<bool>> = rows
                .iter()
                .map(|&(a, b)| match (a, b) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                })
                .collect();
            let or: Vec<Option<bool>> = rows
                .iter()
                .map(|&(a, b)| match (a, b) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                })
                .collect();
            proptest::prop_assert_eq!(kleene(true, &x, &y).to_options(), and);
            proptest::prop_assert_eq!(kleene(false, &x, &y).to_options(), or);
        }
    }
}
