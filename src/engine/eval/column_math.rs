//! Arithmetic of a number column with a number constant (`orders * 1.5`, `4 + cost`) in one
//! pass over the values, with the same answers as the row-by-row path in `expr.rs`.

use super::frame::{Cells, Vector};
use super::value::{Val, col};
use crate::engine::data::cells::pack_bits;
use crate::engine::rules::condition::BinOp;

/// `l op r` when one side is a number column and the other a number, computed as floats: the
/// values in one tight loop, a row missing where the column's is or where the result is not a
/// finite number (which is what a division by zero gives, as the general path says). `None`
/// for any other shape, and for integers with an integer (they stay integers there).
pub(super) fn column_with_number(op: BinOp, l: &Val, r: &Val) -> Option<Val> {
    if !matches!(
        op,
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod
    ) {
        return None;
    }
    let (c, lit, flipped) = match (l, r) {
        (Val::Col(c), lit @ (Val::Int(_) | Val::Float(_))) => (c, lit, false),
        (lit @ (Val::Int(_) | Val::Float(_)), Val::Col(c)) => (c, lit, true),
        _ => return None,
    };
    let x = match lit {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => return None,
    };
    if matches!(&**c, Vector::Int(_)) && matches!(lit, Val::Int(_)) && op != BinOp::Div {
        return None;
    }
    let calc = |a: f64| {
        if flipped {
            float_op(op, x, a)
        } else {
            float_op(op, a, x)
        }
    };
    let (values, valid): (Vec<f64>, Option<&[u64]>) = match &**c {
        Vector::Float(v) => (v.values().iter().map(|&a| calc(a)).collect(), v.validity()),
        Vector::Int(v) => (
            v.values().iter().map(|&a| calc(a as f64)).collect(),
            v.validity(),
        ),
        _ => return None,
    };
    let bits: Vec<u64> = values
        .chunks(64)
        .enumerate()
        .map(|(w, vs)| {
            pack_bits(vs.iter().map(|v| v.is_finite())) & valid.map_or(u64::MAX, |m| m[w])
        })
        .collect();
    Some(col(Vector::Float(Cells::from_parts(values, Some(bits)))))
}

/// `a op b` for `+ - * / %` (anything else is NaN); a division by zero gives an infinity or
/// NaN, which callers read as missing, as they do any result that is not a finite number.
pub(super) fn float_op(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Mod => a % b,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn number() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            Just(Some(0.0)),
            Just(Some(-0.0)),
            Just(Some(f64::NAN)),
            Just(Some(f64::INFINITY)),
            Just(Some(f64::MAX)),
            (-1e6f64..1e6).prop_map(Some),
        ]
    }

    proptest! {
        /// Every row as the row-by-row path computes it, bit for bit: missing values, NaN,
        /// infinities, overflow, division by zero (and by -0), the constant on either side.
        #[test]
        fn one_pass_equals_row_by_row(
            floats in proptest::collection::vec(number(), 0..150),
            ints in proptest::collection::vec(proptest::option::of(-1000i64..1000), 0..150),
            constant in prop_oneof![Just(0.0), Just(-0.0), Just(1.5), Just(3.0), Just(-7.25), Just(f64::MAX)],
            int_constant in proptest::bool::ANY,
            flipped in proptest::bool::ANY,
        ) {
            let lit = if int_constant { Val::Int(constant as i64) } else { Val::Float(constant) };
            let columns = [
                Vector::Float(floats.iter().copied().collect()),
                Vector::Int(ints.iter().copied().collect()),
            ];
            for c in columns {
                let n = c.len();
                let c = Val::Col(std::sync::Arc::new(c));
                for op in [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Mod] {
                    let (l, r) = if flipped { (lit.clone(), c.clone()) } else { (c.clone(), lit.clone()) };
                    let Some(fast) = column_with_number(op, &l, &r) else {
                        // integers with an integer stay on the general path
                        prop_assert!(int_constant && op != BinOp::Div);
                        continue;
                    };
                    let slow = super::super::expr::arithmetic_for_tests(op, l, r, n);
                    let bits = |v: Val| match v.into_vector(n) {
                        Vector::Float(f) => f.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>(),
                        other => panic!("not numbers: {other:?}"),
                    };
                    prop_assert_eq!(bits(fast), bits(slow), "{:?}", op);
                }
            }
        }
    }
}
