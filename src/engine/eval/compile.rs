//! Type-checking conditions against a frame's columns, coercing literals where SQL would.

use super::frame::DType;
use crate::engine::rules::condition::{BinOp, ConditionError, Expr, Func};

fn err(pos: Option<usize>, msg: impl Into<String>) -> ConditionError {
    ConditionError {
        message: msg.into(),
        pos,
        hint: None,
    }
}

/// The first column position inside an expression, for error messages.
fn pos(e: &Expr) -> Option<usize> {
    match e {
        Expr::Func { pos, .. } => Some(*pos),
        _ => e.columns().first().map(|c| c.1),
    }
}

fn literal_type(e: &Expr) -> Option<DType> {
    Some(match e {
        Expr::Bool(_) => DType::Bool,
        Expr::Int(_) => DType::Int,
        Expr::Float(_) => DType::Float,
        Expr::Text(_) => DType::Text,
        Expr::Date(_) => DType::Date,
        _ => return None,
    })
}

/// A text literal compared with a date becomes a date literal.
fn coerce_to_date(e: Expr) -> Expr {
    if let Expr::Text(s) = &e
        && let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
    {
        return Expr::Date((d - crate::engine::data::infer::epoch()).num_days() as i32);
    }
    e
}

/// Check names and types; returns the expression (with literals coerced) and its type
/// (`None` for a bare NULL).
pub fn compile(
    e: &Expr,
    schema: &dyn Fn(&str) -> Option<DType>,
    names: &[String],
) -> Result<(Expr, Option<DType>), ConditionError> {
    Ctx { schema, names }.expr(e)
}

/// What a condition is checked against: the type of each column, and their names for hints.
struct Ctx<'a> {
    schema: &'a dyn Fn(&str) -> Option<DType>,
    names: &'a [String],
}

type Typed = Result<(Expr, Option<DType>), ConditionError>;

impl Ctx<'_> {
    fn expr(&self, e: &Expr) -> Typed {
        Ok(match e {
            Expr::Null => (Expr::Null, None),
            Expr::Column { name, pos } => self.column(e, name, *pos)?,
            Expr::Not(x) => {
                let (x, t) = self.expr(x)?;
                want(t, DType::Bool, &x, "NOT")?;
                (Expr::Not(Box::new(x)), Some(DType::Bool))
            }
            Expr::Neg(x) => {
                let (x, t) = self.expr(x)?;
                if t.is_some_and(|t| !t.is_numeric()) {
                    return Err(err(pos(&x), "minus needs a number"));
                }
                (Expr::Neg(Box::new(x)), t)
            }
            Expr::Binary { op, l, r } => self.binary(*op, l, r)?,
            Expr::Between { .. } | Expr::InList { .. } | Expr::Like { .. } => self.predicate(e)?,
            Expr::IsNull { e, negated } => (
                Expr::IsNull {
                    e: Box::new(self.expr(e)?.0),
                    negated: *negated,
                },
                Some(DType::Bool),
            ),
            Expr::Func { f, args, pos: p } => self.func(*f, args, *p)?,
            lit => (lit.clone(), literal_type(lit)),
        })
    }

    /// BETWEEN, IN and LIKE: a value tested against others, true or false.
    fn predicate(&self, e: &Expr) -> Typed {
        Ok(match e {
            Expr::Between { e, lo, hi, negated } => {
                let (x, _) = self.expr(e)?;
                let lo = self.compared(&x, BinOp::Ge, lo)?;
                let hi = self.compared(&x, BinOp::Le, hi)?;
                (
                    Expr::Between {
                        e: Box::new(x),
                        lo: Box::new(lo),
                        hi: Box::new(hi),
                        negated: *negated,
                    },
                    Some(DType::Bool),
                )
            }
            Expr::InList { e, list, negated } => {
                let (x, _) = self.expr(e)?;
                let list = list
                    .iter()
                    .map(|item| self.compared(&x, BinOp::Eq, item))
                    .collect::<Result<_, _>>()?;
                (
                    Expr::InList {
                        e: Box::new(x),
                        list,
                        negated: *negated,
                    },
                    Some(DType::Bool),
                )
            }
            Expr::Like {
                e,
                pattern,
                negated,
                ci,
            } => {
                let (x, t) = self.expr(e)?;
                if t.is_some_and(|t| t != DType::Text) {
                    return Err(err(
                        pos(&x),
                        format!(
                            "LIKE needs text, but this is {}",
                            t.map_or("null", |t| t.name())
                        ),
                    ));
                }
                (
                    Expr::Like {
                        e: Box::new(x),
                        pattern: pattern.clone(),
                        negated: *negated,
                        ci: *ci,
                    },
                    Some(DType::Bool),
                )
            }
            _ => self.expr(e)?,
        })
    }

    fn column(&self, e: &Expr, name: &str, at: usize) -> Typed {
        match (self.schema)(name) {
            Some(t) => Ok((e.clone(), Some(t))),
            None => {
                let mut er = err(Some(at), format!("unknown column \"{name}\""));
                er.hint =
                    crate::engine::error::did_you_mean(name, self.names.iter().map(|s| s.as_str()))
                        .map(|m| format!("did you mean \"{m}\"?"));
                Err(er)
            }
        }
    }

    /// A comparison or arithmetic; text compared with a date is read as a date.
    fn binary(&self, op: BinOp, l: &Expr, r: &Expr) -> Typed {
        let (mut l, mut lt) = self.expr(l)?;
        let (mut r, mut rt) = self.expr(r)?;
        if op.is_comparison() {
            if lt == Some(DType::Date) && rt == Some(DType::Text) {
                r = coerce_to_date(r);
                rt = literal_type(&r).or(rt);
            }
            if rt == Some(DType::Date) && lt == Some(DType::Text) {
                l = coerce_to_date(l);
                lt = literal_type(&l).or(lt);
            }
        }
        let t = binary_type(op, lt, rt).map_err(|m| err(pos(&l).or(pos(&r)), m))?;
        Ok((
            Expr::Binary {
                op,
                l: Box::new(l),
                r: Box::new(r),
            },
            t,
        ))
    }

    /// `other` checked as compared with `x` (a bound of BETWEEN, an item of IN), as compiled.
    fn compared(&self, x: &Expr, op: BinOp, other: &Expr) -> Result<Expr, ConditionError> {
        let (b, _) = self.binary_of(x, op, other)?;
        match b {
            Expr::Binary { r, .. } => Ok(*r),
            _ => unreachable!("a comparison compiles to a comparison"),
        }
    }

    fn binary_of(&self, x: &Expr, op: BinOp, other: &Expr) -> Typed {
        self.expr(&Expr::Binary {
            op,
            l: Box::new(x.clone()),
            r: Box::new(other.clone()),
        })
    }

    fn func(&self, f: Func, args: &[Expr], p: usize) -> Typed {
        let mut cargs = Vec::new();
        let mut types = Vec::new();
        for a in args {
            let (x, t) = self.expr(a)?;
            cargs.push(x);
            types.push(t);
        }
        let t = func_type(f, &types, p)?;
        Ok((
            Expr::Func {
                f,
                args: cargs,
                pos: p,
            },
            t,
        ))
    }
}

/// The type a function gives for its arguments' types, or why they do not fit it.
fn func_type(f: Func, types: &[Option<DType>], p: usize) -> Result<Option<DType>, ConditionError> {
    let name = f.name();
    let t0 = types[0];
    let bad = |what: &str| {
        err(
            Some(p),
            format!(
                "{name}() needs {what}, not {}",
                t0.map_or("null", |t| t.name())
            ),
        )
    };
    let needs = |ok: bool, what: &str| if ok { Ok(()) } else { Err(bad(what)) };
    Ok(match f {
        Func::Lower | Func::Upper | Func::Trim => {
            needs(t0.is_none_or(|t| t == DType::Text), "text")?;
            Some(DType::Text)
        }
        Func::Length => {
            needs(t0.is_none_or(|t| t == DType::Text), "text")?;
            Some(DType::Int)
        }
        Func::Abs | Func::Round => {
            needs(t0.is_none_or(|t| t.is_numeric()), "a number")?;
            if f == Func::Round && t0 == Some(DType::Float) {
                Some(DType::Float)
            } else {
                t0
            }
        }
        Func::Year | Func::Month | Func::Day => {
            needs(t0.is_none_or(|t| t == DType::Date), "a date")?;
            Some(DType::Int)
        }
        Func::Coalesce => {
            let mut t: Option<DType> = None;
            for x in types.iter().flatten() {
                t = Some(match (t, *x) {
                    (None, x) => x,
                    (Some(a), b) if a == b => a,
                    (Some(a), b) if a.is_numeric() && b.is_numeric() => DType::Float,
                    (Some(a), b) => {
                        return Err(err(
                            Some(p),
                            format!("coalesce() mixes {} and {}", a.name(), b.name()),
                        ));
                    }
                });
            }
            t
        }
    })
}

fn want(t: Option<DType>, w: DType, e: &Expr, what: &str) -> Result<(), ConditionError> {
    match t {
        Some(x) if x != w => Err(err(
            pos(e),
            format!("{what} needs a {}, but this is {}", w.name(), x.name()),
        )),
        _ => Ok(()),
    }
}

fn binary_type(op: BinOp, l: Option<DType>, r: Option<DType>) -> Result<Option<DType>, String> {
    use DType::*;
    match op {
        BinOp::And | BinOp::Or => {
            for t in [l, r].into_iter().flatten() {
                if t != Bool {
                    return Err(format!(
                        "{} joins conditions, but one side is {} (compare it with something)",
                        op.sql(),
                        t.name()
                    ));
                }
            }
            Ok(Some(Bool))
        }
        _ if op.is_comparison() => match (l, r) {
            (Some(a), Some(b)) if !(a == b || (a.is_numeric() && b.is_numeric())) => {
                Err(format!("cannot compare {} with {}", a.name(), b.name()))
            }
            _ => Ok(Some(Bool)),
        },
        _ => {
            for t in [l, r].into_iter().flatten() {
                if !t.is_numeric() {
                    return Err(format!(
                        "{} needs numbers, but one side is {}",
                        op.sql(),
                        t.name()
                    ));
                }
            }
            Ok(match (op, l, r) {
                (BinOp::Div, _, _) => Some(Float),
                (_, Some(Float), _) | (_, _, Some(Float)) => Some(Float),
                (_, None, _) | (_, _, None) => None,
                _ => Some(Int),
            })
        }
    }
}
