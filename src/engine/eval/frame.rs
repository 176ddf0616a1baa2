//! Columnar values for evaluation: nullable typed vectors, text dictionary-encoded, built from tables.

use std::collections::HashMap;
use std::sync::Arc;

use polars::prelude::*;

pub use crate::engine::data::cells::Cells;
use crate::engine::data::typed_csv::{NO_CODE, Values};
pub use crate::engine::data::words::Words;
use crate::engine::data::{TableBody, TableData};

/// The type of a value in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    Bool,
    Int,
    Float,
    Text,
    Date,
}

impl DType {
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "boolean",
            DType::Int => "integer",
            DType::Float => "number",
            DType::Text => "text",
            DType::Date => "date",
        }
    }
    /// The type [`DType::name`] names.
    pub fn from_name(name: &str) -> Option<DType> {
        [
            DType::Bool,
            DType::Int,
            DType::Float,
            DType::Text,
            DType::Date,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, DType::Int | DType::Float)
    }
}

/// Text stored once per distinct value; `NULL_CODE` marks a missing value.
#[derive(Debug, Clone, PartialEq)]
pub struct TextVec {
    pub codes: Vec<u32>,
    pub dict: Words,
}

pub const NULL_CODE: u32 = u32::MAX;

impl TextVec {
    pub fn from_values<'a>(it: impl Iterator<Item = Option<&'a str>>) -> TextVec {
        let mut map: HashMap<&'a str, u32, foldhash::fast::RandomState> =
            HashMap::with_hasher(Default::default());
        let mut dict = Words::new();
        let codes = it
            .map(|v| match v {
                None => NULL_CODE,
                Some(s) => *map.entry(s).or_insert_with(|| {
                    dict.push(s);
                    (dict.len() - 1) as u32
                }),
            })
            .collect();
        TextVec { codes, dict }
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes[i] {
            NULL_CODE => None,
            c => Some(&self.dict[c as usize]),
        }
    }
}

/// One nullable column.
#[derive(Debug, Clone, PartialEq)]
pub enum Vector {
    Bool(Cells<bool>),
    Int(Cells<i64>),
    Float(Cells<f64>),
    /// Days since 1970-01-01 (date-times count by calendar day).
    Date(Cells<i32>),
    Text(TextVec),
}

impl Vector {
    pub fn dtype(&self) -> DType {
        match self {
            Vector::Bool(_) => DType::Bool,
            Vector::Int(_) => DType::Int,
            Vector::Float(_) => DType::Float,
            Vector::Date(_) => DType::Date,
            Vector::Text(_) => DType::Text,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Vector::Bool(v) => v.len(),
            Vector::Int(v) => v.len(),
            Vector::Float(v) => v.len(),
            Vector::Date(v) => v.len(),
            Vector::Text(v) => v.codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_null(&self, i: usize) -> bool {
        match self {
            Vector::Bool(v) => !v.is_valid(i),
            Vector::Int(v) => !v.is_valid(i),
            Vector::Float(v) => !v.is_valid(i),
            Vector::Date(v) => !v.is_valid(i),
            Vector::Text(v) => v.codes[i] == NULL_CODE,
        }
    }

    /// A number for numeric columns (dates as day numbers).
    pub fn f64_at(&self, i: usize) -> Option<f64> {
        match self {
            Vector::Int(v) => v.get(i).map(|x| x as f64),
            Vector::Float(v) => v.get(i),
            Vector::Date(v) => v.get(i).map(f64::from),
            Vector::Bool(v) => v.get(i).map(|b| b as i64 as f64),
            Vector::Text(_) => None,
        }
    }

    /// Every row as [`Vector::f64_at`] reads it, as a column (the missing rows kept as they
    /// are), converted on all cores.
    pub fn numbers(&self) -> Cells<f64> {
        fn each<T: Copy + Default + Sync>(c: &Cells<T>, f: impl Fn(T) -> f64 + Sync) -> Cells<f64> {
            use rayon::prelude::*;
            let values = c
                .values()
                .par_iter()
                .with_min_len(1 << 14)
                .map(|&x| f(x))
                .collect();
            Cells::from_parts(values, c.validity().map(<[u64]>::to_vec))
        }
        match self {
            Vector::Int(v) => each(v, |x| x as f64),
            Vector::Float(v) => v.clone(),
            Vector::Date(v) => each(v, f64::from),
            Vector::Bool(v) => each(v, |b| b as i64 as f64),
            Vector::Text(t) => Cells::nulls(t.codes.len()),
        }
    }

    /// The histogram of the present numbers ([`crate::engine::stats::histogram`] of them),
    /// read in place; none for text.
    pub fn histogram(&self, bins: usize) -> Vec<(f64, f64, usize)> {
        crate::engine::stats::histogram_of(self.len(), |i| self.f64_at(i), bins)
    }

    /// The value as text, for display and for writing.
    pub fn text_at(&self, i: usize) -> Option<String> {
        match self {
            Vector::Bool(v) => v.get(i).map(|b| b.to_string()),
            Vector::Int(v) => v.get(i).map(|x| x.to_string()),
            Vector::Float(v) => v.get(i).map(|x| x.to_string()),
            Vector::Date(v) => v
                .get(i)
                .map(|d| crate::engine::data::values::show_day(d as i64)),
            Vector::Text(t) => t.get(i).map(str::to_string),
        }
    }

    /// Keep the rows at `idx`, in that order.
    pub fn take<I: crate::engine::data::cells::RowIndex>(&self, idx: &[I]) -> Vector {
        match self {
            Vector::Bool(v) => Vector::Bool(v.take(idx)),
            Vector::Int(v) => Vector::Int(v.take(idx)),
            Vector::Float(v) => Vector::Float(v.take(idx)),
            Vector::Date(v) => Vector::Date(v.take(idx)),
            Vector::Text(t) => Vector::Text(TextVec {
                codes: idx.iter().map(|&i| t.codes[i.at()]).collect(),
                dict: t.dict.clone(),
            }),
        }
    }

    /// Convert a table column.
    pub fn from_values(v: Values) -> Vector {
        const _: () = assert!(NO_CODE == NULL_CODE);
        match v {
            Values::Int(x) => Vector::Int(x),
            Values::Float(x) => Vector::Float(x),
            Values::Bool(x) => Vector::Bool(x),
            Values::Days(x) => Vector::Date(x),
            Values::Millis(x) => Vector::Date(x.into_map(|ms| ms.div_euclid(86_400_000) as i32)),
            Values::Text { codes, dict } => Vector::Text(TextVec { codes, dict }),
        }
    }

    pub fn from_series(s: &Series) -> PolarsResult<Vector> {
        Ok(match s.dtype() {
            DataType::Boolean => Vector::Bool(s.bool()?.iter().collect()),
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32 => Vector::Int(s.cast(&DataType::Int64)?.i64()?.iter().collect()),
            DataType::UInt64 => Vector::Float(s.cast(&DataType::Float64)?.f64()?.iter().collect()),
            DataType::Float32 | DataType::Float64 => Vector::Float(
                s.cast(&DataType::Float64)?
                    .f64()?
                    .iter()
                    .map(|v| v.filter(|x| !x.is_nan()))
                    .collect(),
            ),
            DataType::Date => Vector::Date(s.cast(&DataType::Int32)?.i32()?.iter().collect()),
            DataType::Datetime(tu, _) => {
                let per_day: i64 = match tu {
                    TimeUnit::Milliseconds => 86_400_000,
                    TimeUnit::Microseconds => 86_400_000_000,
                    TimeUnit::Nanoseconds => 86_400_000_000_000,
                };
                Vector::Date(
                    s.cast(&DataType::Int64)?
                        .i64()?
                        .iter()
                        .map(|v| v.map(|x| x.div_euclid(per_day) as i32))
                        .collect(),
                )
            }
            DataType::String => Vector::Text(TextVec::from_values(s.str()?.iter())),
            _ => {
                let t = s.cast(&DataType::String)?;
                Vector::Text(TextVec::from_values(t.str()?.iter()))
            }
        })
    }
}

/// A column of a frame: its values, or how to read them the first time they are asked for (a
/// cached table turns into values only the columns a session uses). Clones share the values.
#[derive(Clone)]
pub struct Column(Arc<ColumnInner>);

/// How a column not read yet is read (taken, and so let go, when it is).
type ReadColumn = Box<dyn FnOnce() -> Vector + Send>;

struct ColumnInner {
    dtype: DType,
    values: std::sync::OnceLock<Arc<Vector>>,
    read: std::sync::Mutex<Option<ReadColumn>>,
}

impl Column {
    pub fn ready(v: Arc<Vector>) -> Column {
        let dtype = v.dtype();
        Column(Arc::new(ColumnInner {
            dtype,
            values: std::sync::OnceLock::from(v),
            read: std::sync::Mutex::new(None),
        }))
    }

    /// A column of type `dtype` whose values `read` gives when first asked for (`read` and
    /// what it holds are let go then).
    pub fn lazy(dtype: DType, read: impl FnOnce() -> Vector + Send + 'static) -> Column {
        Column(Arc::new(ColumnInner {
            dtype,
            values: std::sync::OnceLock::new(),
            read: std::sync::Mutex::new(Some(Box::new(read))),
        }))
    }

    /// The values (read now if they were not yet).
    pub fn values(&self) -> &Arc<Vector> {
        self.0.values.get_or_init(|| {
            let read = self.0.read.lock().ok().and_then(|mut r| r.take());
            match read {
                Some(read) => Arc::new(read()),
                None => unreachable!("a column is made with its values or a way to read them"),
            }
        })
    }

    pub fn dtype(&self) -> DType {
        self.0.dtype
    }

    /// Whether the values were read (or given).
    pub fn is_read(&self) -> bool {
        self.0.values.get().is_some()
    }
}

impl PartialEq for Column {
    fn eq(&self, o: &Column) -> bool {
        self.values() == o.values()
    }
}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.values.get() {
            Some(v) => v.fmt(f),
            None => write!(f, "{} column, not read yet", self.0.dtype.name()),
        }
    }
}

/// Named columns of equal length.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub len: usize,
    pub names: Vec<String>,
    cols: Vec<Column>,
}

impl Frame {
    pub fn new(len: usize) -> Frame {
        Frame {
            len,
            names: vec![],
            cols: vec![],
        }
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Vector>> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| self.cols[i].values())
    }

    /// Column `i`'s values.
    pub fn col(&self, i: usize) -> &Arc<Vector> {
        self.cols[i].values()
    }

    /// Every column's values, in order.
    pub fn columns(&self) -> impl ExactSizeIterator<Item = &Arc<Vector>> {
        self.cols.iter().map(Column::values)
    }

    /// Read, on a thread of its own, every column not read yet (so that a screen showing all
    /// of them later, a customer's record, does not wait for them).
    pub fn read_rest_in_background(&self) {
        let rest: Vec<Column> = self.cols.iter().filter(|c| !c.is_read()).cloned().collect();
        if !rest.is_empty() {
            // when no thread can be made, each is read when first asked for, as before
            let _ = std::thread::Builder::new()
                .name("reading the other columns".into())
                .spawn(move || {
                    rest.iter().for_each(|c| {
                        c.values();
                    })
                });
        }
    }

    /// Read now, on all cores at once, those of `names` not read yet (each would otherwise be
    /// read alone when first asked for, one after the other).
    pub fn read_now(&self, names: &[String]) {
        use rayon::prelude::*;
        let todo: Vec<&Column> = self
            .names
            .iter()
            .zip(&self.cols)
            .filter(|(n, c)| !c.is_read() && names.contains(n))
            .map(|(_, c)| c)
            .collect();
        todo.par_iter().for_each(|c| {
            c.values();
        });
    }

    /// The columns as they are (values, or still to be read).
    pub fn raw_columns(&self) -> &[Column] {
        &self.cols
    }

    /// Append a column (its name must be new).
    pub fn push(&mut self, name: String, c: Column) {
        debug_assert!(!self.names.contains(&name), "column {name} twice");
        self.names.push(name);
        self.cols.push(c);
    }

    /// Insert a column at place `at` (its name must be new).
    pub fn insert(&mut self, at: usize, name: String, c: Column) {
        debug_assert!(!self.names.contains(&name), "column {name} twice");
        self.names.insert(at, name);
        self.cols.insert(at, c);
    }

    /// Take the last column off.
    pub fn pop(&mut self) -> Option<(String, Column)> {
        Some((self.names.pop()?, self.cols.pop()?))
    }

    /// Add or replace a column.
    pub fn set(&mut self, name: &str, v: Vector) {
        debug_assert_eq!(v.len(), self.len, "column {name}");
        let c = Column::ready(Arc::new(v));
        match self.names.iter().position(|n| n == name) {
            Some(i) => self.cols[i] = c,
            None => {
                self.names.push(name.to_string());
                self.cols.push(c);
            }
        }
    }

    /// Drop the named columns (names not present are ignored).
    pub fn remove(&mut self, names: &[String]) {
        let keep: Vec<bool> = self.names.iter().map(|n| !names.contains(n)).collect();
        let mut k = keep.iter();
        self.names.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        self.cols.retain(|_| *k.next().unwrap_or(&true));
    }

    /// Convert the named columns of a table (all when `only` is None).
    pub fn from_df(df: &DataFrame, only: Option<&[String]>) -> PolarsResult<Frame> {
        let mut f = Frame::new(df.height());
        for c in df.columns() {
            if only.is_some_and(|o| !o.iter().any(|x| x == c.name().as_str())) {
                continue;
            }
            f.set(c.name(), Vector::from_series(c.as_materialized_series())?);
        }
        Ok(f)
    }

    /// The columns of a loaded table (moved, not copied, when read as typed columns).
    pub fn from_data(data: TableData) -> PolarsResult<Frame> {
        match data.body {
            TableBody::Frame(df) => Frame::from_df(&df, None),
            TableBody::Columns { height, columns } => {
                let mut f = Frame::new(height);
                for (name, v) in columns {
                    f.set(&name, Vector::from_values(v));
                }
                Ok(f)
            }
        }
    }

    /// The type of a column (known without reading it).
    pub fn dtype_of(&self, name: &str) -> Option<DType> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| self.cols[i].dtype())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_now` reads the columns named, each once, and leaves the others to be read when
    /// asked for.
    #[test]
    fn read_now_reads_only_the_columns_named() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let reads = Arc::new(AtomicUsize::new(0));
        let mut f = Frame::new(3);
        for name in ["a", "b", "c"] {
            let r = Arc::clone(&reads);
            let col = Column::lazy(DType::Int, move || {
                r.fetch_add(1, Ordering::SeqCst);
                Vector::Int(Cells::from_values(vec![1, 2, 3]))
            });
            f.push(name.to_string(), col);
        }
        f.read_now(&["a".to_string(), "c".to_string(), "missing".to_string()]);
        let read: Vec<bool> = f.raw_columns().iter().map(Column::is_read).collect();
        assert_eq!(read, vec![true, false, true]);
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        f.read_now(&["a".to_string()]);
        assert_eq!(reads.load(Ordering::SeqCst), 2, "a column is read once");
        assert_eq!(f.get("b").unwrap().f64_at(1), Some(2.0));
        assert_eq!(reads.load(Ordering::SeqCst), 3);
    }
}
