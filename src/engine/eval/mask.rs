//! Conditions as 64-row bit words: a rule list's rules evaluated together, one pass over the
//! columns they read, with no column of answers made per comparison.
//!
//! A [`Mask`] answers, for any word of 64 rows, the rows where its condition is true and where
//! it is false (neither: unknown, SQL's NULL), so NOT, AND and OR keep three-valued logic as
//! bit operations. Comparisons of a column with a constant, `IN` lists, `BETWEEN`, `IS NULL`
//! and boolean columns are read straight from the columns; any other condition is evaluated
//! whole by [`eval_bool`] first and then read 64 rows at a time. Either way a rule matches the
//! rows [`eval_bool`] says are true.

use super::exclusivity::Matches;
use super::expr::{cmp_result, eval_bool};
use super::frame::{Cells, Frame, NULL_CODE, Vector};
use crate::engine::rules::condition::{BinOp, Expr};

/// One condition ready to be read a word of rows at a time.
enum Mask<'a> {
    /// The same answer for every row (a constant, or a comparison with NULL).
    Known(Option<bool>),
    Not(Box<Mask<'a>>),
    And(Box<Mask<'a>>, Box<Mask<'a>>),
    Or(Box<Mask<'a>>, Box<Mask<'a>>),
    /// An integer column against an integer.
    Int(&'a Cells<i64>, BinOp, i64),
    /// An integer column against a fractional number (compared as numbers).
    IntAsFloat(&'a Cells<i64>, BinOp, f64),
    /// A number column against a number: NaN is unknown.
    Float(&'a Cells<f64>, BinOp, f64),
    Date(&'a Cells<i32>, BinOp, i32),
    /// A text column: the answer for each word of its dictionary (a missing value is unknown).
    Codes(&'a [u32], Vec<bool>),
    Bool(&'a Cells<bool>),
    /// A boolean column against a constant (false before true).
    BoolCmp(&'a Cells<bool>, BinOp, bool),
    /// `IS NULL` (`true`) or `IS NOT NULL` of a column.
    IsNull(&'a Vector, bool),
    /// Anything else, evaluated whole.
    Whole(Cells<bool>),
}

/// Which rules of a list each row matches, every rule read in the same pass over the rows.
pub fn matches_of(exprs: &[Expr], base: &Frame) -> Matches {
    use rayon::prelude::*;
    let masks: Vec<Mask> = exprs.par_iter().map(|e| mask(e, base)).collect();
    let n = base.len;
    Matches::by_word(n, masks.len(), |w, out| {
        let full = full_word(n, w);
        for (o, m) in out.iter_mut().zip(&masks) {
            *o = m.word(w, full).0;
        }
    })
}

/// The bits of the rows word `w` holds (all 64 but in the last word).
fn full_word(n: usize, w: usize) -> u64 {
    let len = n.saturating_sub(w * 64).min(64);
    if len == 64 {
        u64::MAX
    } else {
        (1u64 << len) - 1
    }
}

/// The mask of a compiled condition: read from the columns when its shape allows, else
/// evaluated whole.
fn mask<'a>(e: &Expr, base: &'a Frame) -> Mask<'a> {
    shaped(e, base).unwrap_or_else(|| Mask::Whole(eval_bool(e, base)))
}

fn boxed<'a>(e: &Expr, base: &'a Frame) -> Box<Mask<'a>> {
    Box::new(mask(e, base))
}

fn shaped<'a>(e: &Expr, base: &'a Frame) -> Option<Mask<'a>> {
    Some(match e {
        Expr::Null => Mask::Known(None),
        Expr::Bool(b) => Mask::Known(Some(*b)),
        Expr::Column { name, .. } => match &**base.get(name)? {
            Vector::Bool(v) => Mask::Bool(v),
            _ => return None,
        },
        Expr::Not(x) => Mask::Not(boxed(x, base)),
        Expr::Binary { op, l, r } => match op {
            BinOp::And => Mask::And(boxed(l, base), boxed(r, base)),
            BinOp::Or => Mask::Or(boxed(l, base), boxed(r, base)),
            op if op.is_comparison() => match (&**l, &**r) {
                (Expr::Column { name, .. }, c) => compared(base, name, *op, c)?,
                (c, Expr::Column { name, .. }) => compared(base, name, op.flipped(), c)?,
                _ => return None,
            },
            _ => return None,
        },
        Expr::Between { e, lo, hi, negated } => {
            let Expr::Column { name, .. } = &**e else {
                return None;
            };
            let both = Mask::And(
                Box::new(compared(base, name, BinOp::Ge, lo)?),
                Box::new(compared(base, name, BinOp::Le, hi)?),
            );
            not_if(*negated, both)
        }
        Expr::InList { e, list, negated } => {
            let Expr::Column { name, .. } = &**e else {
                return None;
            };
            not_if(*negated, listed(base, name, list)?)
        }
        Expr::IsNull { e, negated } => match &**e {
            Expr::Column { name, .. } => Mask::IsNull(base.get(name)?, !negated),
            _ => return None,
        },
        _ => return None,
    })
}

fn not_if(negated: bool, m: Mask) -> Mask {
    if negated { Mask::Not(Box::new(m)) } else { m }
}

/// Column `name` against constant `c` (`None` for a shape read whole instead).
fn compared<'a>(base: &'a Frame, name: &str, op: BinOp, c: &Expr) -> Option<Mask<'a>> {
    let v = &**base.get(name)?;
    Some(match (v, c) {
        // a comparison with NULL is unknown for every row
        (_, Expr::Null) => Mask::Known(None),
        (Vector::Int(v), Expr::Int(x)) => Mask::Int(v, op, *x),
        (Vector::Int(v), Expr::Float(x)) if !x.is_nan() => Mask::IntAsFloat(v, op, *x),
        (Vector::Float(v), Expr::Int(x)) => Mask::Float(v, op, *x as f64),
        (Vector::Float(v), Expr::Float(x)) if !x.is_nan() => Mask::Float(v, op, *x),
        (Vector::Date(v), Expr::Date(x)) => Mask::Date(v, op, *x),
        (Vector::Bool(v), Expr::Bool(x)) => Mask::BoolCmp(v, op, *x),
        (Vector::Text(t), Expr::Text(s)) => {
            let answer = (0..t.dict.len())
                .map(|d| cmp_result(op, t.dict[d].cmp(s.as_str())))
                .collect();
            Mask::Codes(&t.codes, answer)
        }
        _ => return None,
    })
}

/// `name IN (list)`: for text, one answer per dictionary word when every item is a text
/// constant; else each item's equality, OR-ed as SQL does.
fn listed<'a>(base: &'a Frame, name: &str, list: &[Expr]) -> Option<Mask<'a>> {
    if let Vector::Text(t) = &**base.get(name)?
        && !list.is_empty()
        && list.iter().all(|x| matches!(x, Expr::Text(_)))
    {
        let answer = (0..t.dict.len())
            .map(|d| {
                list.iter()
                    .any(|x| matches!(x, Expr::Text(s) if *s == t.dict[d]))
            })
            .collect();
        return Some(Mask::Codes(&t.codes, answer));
    }
    let mut acc: Option<Mask> = None;
    for item in list {
        let eq = compared(base, name, BinOp::Eq, item)?;
        acc = Some(match acc {
            None => eq,
            Some(a) => Mask::Or(Box::new(a), Box::new(eq)),
        });
    }
    // an empty list matches nothing
    Some(acc.unwrap_or(Mask::Known(Some(false))))
}

/// The bits of `f` over the values of word `w` (at most 64 of them): the answers made as bytes
/// first (a loop the compiler turns into vector compares), then packed eight at a time.
#[inline]
fn bits<T: Copy>(values: &[T], w: usize, f: impl Fn(T) -> bool) -> u64 {
    let start = w * 64;
    let end = (start + 64).min(values.len());
    let mut flags = [0u8; 64];
    for (o, &v) in flags.iter_mut().zip(&values[start..end]) {
        *o = u8::from(f(v));
    }
    pack(&flags)
}

/// 64 bytes of 0 or 1 as the bits of a word, the first in the lowest bit.
#[inline]
fn pack(flags: &[u8; 64]) -> u64 {
    let mut b = 0u64;
    for (j, c) in flags.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // each byte's low bit lands in the top byte, the first byte's lowest
        b |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (j * 8);
    }
    b
}

/// The present rows of word `w` of a column.
fn present<T: Copy + Default>(v: &Cells<T>, w: usize, full: u64) -> u64 {
    v.validity().map_or(full, |m| m[w] & full)
}

/// `(true, false)` from the answers `b` of the rows `known`.
fn split(b: u64, known: u64) -> (u64, u64) {
    (b & known, !b & known)
}

impl Mask<'_> {
    /// The rows of word `w` where the condition is true, and where it is false (`full`: the
    /// rows the word holds).
    fn word(&self, w: usize, full: u64) -> (u64, u64) {
        match self {
            Mask::Known(None) => (0, 0),
            Mask::Known(Some(true)) => (full, 0),
            Mask::Known(Some(false)) => (0, full),
            Mask::Not(m) => {
                let (t, f) = m.word(w, full);
                (f, t)
            }
            Mask::And(a, b) => {
                let ((at, af), (bt, bf)) = (a.word(w, full), b.word(w, full));
                (at & bt, af | bf)
            }
            Mask::Or(a, b) => {
                let ((at, af), (bt, bf)) = (a.word(w, full), b.word(w, full));
                (at | bt, af & bf)
            }
            Mask::Int(v, op, x) => split(
                bits(v.values(), w, |a| cmp_result(*op, a.cmp(x))),
                present(v, w, full),
            ),
            Mask::IntAsFloat(v, op, x) => split(
                bits(v.values(), w, |a| {
                    (a as f64)
                        .partial_cmp(x)
                        .is_some_and(|o| cmp_result(*op, o))
                }),
                present(v, w, full),
            ),
            Mask::Float(v, op, x) => {
                let nan = bits(v.values(), w, f64::is_nan);
                split(
                    bits(v.values(), w, |a| {
                        a.partial_cmp(x).is_some_and(|o| cmp_result(*op, o))
                    }),
                    present(v, w, full) & !nan,
                )
            }
            Mask::Date(v, op, x) => split(
                bits(v.values(), w, |a| cmp_result(*op, a.cmp(x))),
                present(v, w, full),
            ),
            Mask::Codes(codes, answer) => split(
                bits(codes, w, |c| c != NULL_CODE && answer[c as usize]),
                bits(codes, w, |c| c != NULL_CODE),
            ),
            Mask::Bool(v) => split(bits(v.values(), w, |b| b), present(v, w, full)),
            Mask::BoolCmp(v, op, x) => split(
                bits(v.values(), w, |a| cmp_result(*op, a.cmp(x))),
                present(v, w, full),
            ),
            Mask::IsNull(v, is) => {
                let start = w * 64;
                let mut b = 0u64;
                for k in 0..full.count_ones() as usize {
                    b |= u64::from(v.is_null(start + k) == *is) << k;
                }
                (b, !b & full)
            }
            Mask::Whole(c) => split(bits(c.values(), w, |b| b), present(c, w, full)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::eval::frame::TextVec;
    use crate::engine::rules::condition::parse_condition;
    use proptest::prelude::*;

    /// 150 rows (two whole words and part of a third) with every kind of column and gaps.
    fn frame(seed: u64) -> Frame {
        let n = 150usize;
        let h = |i: usize, k: u64| {
            ((i as u64) ^ seed)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(k as u32 * 9)
                % 97
        };
        let gap = |i: usize, k: u64| h(i, k + 20) % 7 == 0;
        let mut f = Frame::new(n);
        f.set(
            "age",
            Vector::Int(
                (0..n)
                    .map(|i| (!gap(i, 1)).then(|| h(i, 1) as i64 - 10))
                    .collect(),
            ),
        );
        f.set(
            "share",
            Vector::Float(
                (0..n)
                    .map(|i| {
                        (!gap(i, 2)).then(|| match h(i, 2) {
                            0..=4 => f64::NAN,
                            x => x as f64 / 97.0,
                        })
                    })
                    .collect(),
            ),
        );
        f.set(
            "since",
            Vector::Date(
                (0..n)
                    .map(|i| (!gap(i, 3)).then(|| 19_000 + h(i, 3) as i32))
                    .collect(),
            ),
        );
        let words = ["price", "quality", "service", "features"];
        f.set(
            "benefit",
            Vector::Text(TextVec::from_values(
                (0..n).map(|i| (!gap(i, 4)).then(|| words[h(i, 4) as usize % 4])),
            )),
        );
        f.set(
            "member",
            Vector::Bool(
                (0..n)
                    .map(|i| (!gap(i, 5)).then(|| h(i, 5) % 2 == 0))
                    .collect(),
            ),
        );
        f
    }

    const CONDITIONS: &[&str] = &[
        "age >= 40",
        "age = 12 OR age < 0",
        "age > 40.5",
        "NOT age BETWEEN 10 AND 60",
        "age IN (1, 2, 3, NULL)",
        "40 < age AND 0.5 >= share",
        "'q' < benefit OR '2022-01-01' <= since",
        "share > 0 AND share < 1",
        "age NOT IN (4, 5.0)",
        "share > 0.5 AND age <= 50",
        "share <= 0.25 OR NOT member",
        "since >= '2022-03-01'",
        "benefit = 'price'",
        "benefit >= 'q' AND benefit IS NOT NULL",
        "benefit IN ('quality', 'features')",
        "benefit NOT IN ('service')",
        "member",
        "member = TRUE AND share IS NULL",
        "age IS NULL OR benefit IS NULL",
        "TRUE",
        "age = NULL",
        "age + 1 > 30 AND benefit LIKE '%e%'",
        "ROUND(share, 1) = 0.5 OR age % 2 = 0",
    ];

    fn compiled(c: &str, f: &Frame) -> Expr {
        let e = parse_condition(c).unwrap();
        super::super::expr::compile(&e, &|n| f.dtype_of(n), &f.names)
            .unwrap_or_else(|e| panic!("{c}: {e}"))
            .0
    }

    /// What each condition matches as the general evaluator says (true only).
    fn expected(exprs: &[Expr], f: &Frame) -> Vec<Vec<bool>> {
        let cols: Vec<Cells<bool>> = exprs.iter().map(|e| eval_bool(e, f)).collect();
        (0..f.len)
            .map(|i| cols.iter().map(|c| c.get(i) == Some(true)).collect())
            .collect()
    }

    proptest! {
        /// Read 64 rows at a time or evaluated whole, every condition matches the same rows:
        /// missing values, NaN, NULL constants and the last part-word included.
        #[test]
        fn words_match_what_the_evaluator_says(seed in any::<u64>()) {
            let f = frame(seed);
            let exprs: Vec<Expr> = CONDITIONS
                .iter()
                .map(|c| compiled(c, &f))
                .collect();
            let m = matches_of(&exprs, &f);
            let want = expected(&exprs, &f);
            for (i, row) in want.iter().enumerate() {
                for (k, &hit) in row.iter().enumerate() {
                    prop_assert_eq!(m.get(i, k), hit, "row {} condition {}", i, CONDITIONS[k]);
                }
            }
        }
    }

    #[test]
    fn common_shapes_are_read_from_the_columns() {
        fn any_whole(m: &Mask) -> bool {
            match m {
                Mask::Not(x) => any_whole(x),
                Mask::And(a, b) | Mask::Or(a, b) => any_whole(a) || any_whole(b),
                m => matches!(m, Mask::Whole(_)),
            }
        }
        let f = frame(7);
        for c in &CONDITIONS[..21] {
            assert!(
                !any_whole(&mask(&compiled(c, &f), &f)),
                "{c} was evaluated whole"
            );
        }
    }
}
