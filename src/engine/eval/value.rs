//! A value while a condition is evaluated: a constant, or a whole column.

use std::sync::Arc;

use super::frame::{Cells, DType, TextVec, Vector};

/// A value during evaluation: a constant or a column.
#[derive(Clone)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Date(i32),
    Col(Arc<Vector>),
}

impl Val {
    pub(crate) fn f64(&self, i: usize) -> Option<f64> {
        match self {
            Val::Int(x) => Some(*x as f64),
            Val::Float(x) => Some(*x),
            Val::Date(x) => Some(*x as f64),
            Val::Col(v) => v.f64_at(i),
            _ => None,
        }
    }
    pub(crate) fn i64(&self, i: usize) -> Option<i64> {
        match self {
            Val::Int(x) => Some(*x),
            Val::Date(x) => Some(*x as i64),
            Val::Bool(b) => Some(*b as i64),
            Val::Col(v) => match &**v {
                Vector::Int(c) => c.get(i),
                Vector::Date(c) => c.get(i).map(i64::from),
                Vector::Bool(c) => c.get(i).map(i64::from),
                _ => None,
            },
            _ => None,
        }
    }
    pub(crate) fn bool(&self, i: usize) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Col(v) => match &**v {
                Vector::Bool(c) => c.get(i),
                _ => None,
            },
            _ => None,
        }
    }
    pub(crate) fn text(&self, i: usize) -> Option<&str> {
        match self {
            Val::Text(s) => Some(s),
            Val::Col(v) => match &**v {
                Vector::Text(t) => t.get(i),
                _ => None,
            },
            _ => None,
        }
    }
    pub(crate) fn dtype(&self) -> Option<DType> {
        Some(match self {
            Val::Null => return None,
            Val::Bool(_) => DType::Bool,
            Val::Int(_) => DType::Int,
            Val::Float(_) => DType::Float,
            Val::Text(_) => DType::Text,
            Val::Date(_) => DType::Date,
            Val::Col(v) => v.dtype(),
        })
    }
    pub(crate) fn into_vector(self, n: usize) -> Vector {
        match self {
            Val::Col(v) => Arc::try_unwrap(v).unwrap_or_else(|a| (*a).clone()),
            Val::Null => Vector::Bool(Cells::nulls(n)),
            Val::Bool(b) => Vector::Bool(Cells::filled(b, n)),
            Val::Int(x) => Vector::Int(Cells::filled(x, n)),
            Val::Float(x) => Vector::Float(Cells::filled(x, n)),
            Val::Date(x) => Vector::Date(Cells::filled(x, n)),
            Val::Text(s) => Vector::Text(TextVec {
                codes: vec![0; n],
                dict: [s].into_iter().collect(),
            }),
        }
    }
}

/// A value as a shared column, without copying it when it already is one.
pub(crate) fn shared(v: Val, n: usize) -> Arc<Vector> {
    match v {
        Val::Col(c) => c,
        other => Arc::new(other.into_vector(n)),
    }
}

pub(crate) fn col(v: Vector) -> Val {
    Val::Col(Arc::new(v))
}
