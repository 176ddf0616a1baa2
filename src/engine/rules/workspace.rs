//! The typed workspace model: everything the user decides, with the source positions of what they wrote.

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::engine::data::ReadOptions;
use crate::engine::data::postgres::DbSource;

/// A value with the byte range it came from in the workspace file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Spanned<T> {
    pub value: T,
    #[serde(skip)]
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }

    /// A value made in code, with no place in a file.
    pub fn bare(value: T) -> Self {
        Spanned { value, span: 0..0 }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A data file named in the workspace, with its reading options.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileRef {
    /// As written (relative to the workspace file).
    pub path: Spanned<String>,
    /// The workspace key naming it, e.g. `data.customers`.
    pub key: String,
    #[serde(skip)]
    pub options: ReadOptions,
    /// A table on a database server (`path` is then its label; a pull keeps its rows locally).
    pub db: Option<Box<DbSource>>,
}

impl FileRef {
    /// The path resolved against the workspace's folder (a database table's local copy).
    pub fn resolve(&self, base: &Path) -> PathBuf {
        if let Some(db) = &self.db {
            return db.local.clone();
        }
        let p = Path::new(&self.path.value);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct JoinRef {
    pub file: FileRef,
    /// The column of the joined table holding the customer id.
    pub key: Spanned<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateIds {
    #[default]
    Error,
    First,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DataConfig {
    pub customers: Option<FileRef>,
    pub orders: Option<FileRef>,
    pub as_of: Option<Spanned<NaiveDate>>,
    pub orders_filter: Option<Spanned<String>>,
    pub joins: Vec<JoinRef>,
    pub duplicate_ids: DuplicateIds,
}

/// Step 2, Classify: which column plays which part.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ColumnRoles {
    pub customer_id: Option<Spanned<String>>,
    pub order_customer_id: Option<Spanned<String>>,
    pub order_id: Option<Spanned<String>>,
    pub order_date: Option<Spanned<String>>,
    pub amount: Option<Spanned<String>>,
    pub quantity: Option<Spanned<String>>,
    pub unit_price: Option<Spanned<String>>,
    pub product: Option<Spanned<String>>,
    pub category: Option<Spanned<String>>,
    pub channel: Option<Spanned<String>>,
    pub discount: Option<Spanned<String>>,
    pub pii: Vec<Spanned<String>>,
}

impl ColumnRoles {
    /// The roles that make an order line what it is (whose customer, which order, when, how
    /// much); without a customers table the orders' other columns become customer attributes.
    pub fn order_line_roles(&self) -> [&Option<Spanned<String>>; 7] {
        [
            &self.order_customer_id,
            &self.customer_id,
            &self.order_id,
            &self.order_date,
            &self.amount,
            &self.quantity,
            &self.unit_price,
        ]
    }
}

/// The single-column roles, with the table they name a column of.
pub const CUSTOMER_ROLE_KEYS: [&str; 1] = ["customer_id"];
pub const ORDER_ROLE_KEYS: [&str; 10] = [
    "order_customer_id",
    "order_id",
    "order_date",
    "amount",
    "quantity",
    "unit_price",
    "product",
    "category",
    "channel",
    "discount",
];

impl ColumnRoles {
    pub fn get(&self, key: &str) -> Option<&Spanned<String>> {
        match key {
            "customer_id" => self.customer_id.as_ref(),
            "order_customer_id" => self.order_customer_id.as_ref(),
            "order_id" => self.order_id.as_ref(),
            "order_date" => self.order_date.as_ref(),
            "amount" => self.amount.as_ref(),
            "quantity" => self.quantity.as_ref(),
            "unit_price" => self.unit_price.as_ref(),
            "product" => self.product.as_ref(),
            "category" => self.category.as_ref(),
            "channel" => self.channel.as_ref(),
            "discount" => self.discount.as_ref(),
            _ => None,
        }
    }

    pub fn slot(&mut self, key: &str) -> Option<&mut Option<Spanned<String>>> {
        Some(match key {
            "customer_id" => &mut self.customer_id,
            "order_customer_id" => &mut self.order_customer_id,
            "order_id" => &mut self.order_id,
            "order_date" => &mut self.order_date,
            "amount" => &mut self.amount,
            "quantity" => &mut self.quantity,
            "unit_price" => &mut self.unit_price,
            "product" => &mut self.product,
            "category" => &mut self.category,
            "channel" => &mut self.channel,
            "discount" => &mut self.discount,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RfmMethod {
    #[default]
    Ntile,
    Quantile,
    RfmR,
}

impl RfmMethod {
    pub const ALL: [(&'static str, RfmMethod); 3] = [
        ("ntile", RfmMethod::Ntile),
        ("quantile", RfmMethod::Quantile),
        ("rfm_r", RfmMethod::RfmR),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(n, _)| *n)
            .unwrap_or("ntile")
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PurchaseConfig {
    pub rfm_bins: u32,
    pub rfm_method: RfmMethod,
    pub windows: Vec<u32>,
    /// The predictive-value models' settings (`clv = { … }`).
    pub clv: ClvConfig,
}

impl Default for PurchaseConfig {
    fn default() -> Self {
        PurchaseConfig {
            rfm_bins: 5,
            rfm_method: RfmMethod::Ntile,
            windows: vec![],
            clv: ClvConfig::default(),
        }
    }
}

/// The time unit of the predictive-value models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Day,
    #[default]
    Week,
    Month,
}

impl TimeUnit {
    pub const ALL: [(&'static str, TimeUnit); 3] = [
        ("day", TimeUnit::Day),
        ("week", TimeUnit::Week),
        ("month", TimeUnit::Month),
    ];

    /// Days in one unit (a month is 365.25 / 12 days).
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => 30.4375,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, u)| *u == self)
            .map(|(n, _)| *n)
            .unwrap_or("week")
    }
}

/// `[purchase_history] clv = { unit = "week", horizon = 52, calibration_end = 1997-09-30 }`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClvConfig {
    pub unit: TimeUnit,
    /// How far ahead `expected_purchases` and `predicted_value` look, in `unit`s.
    pub horizon: f64,
    /// Fit on orders up to this date and compare with what happened after it (the holdout check).
    pub calibration_end: Option<NaiveDate>,
}

impl Default for ClvConfig {
    fn default() -> Self {
        ClvConfig {
            unit: TimeUnit::Week,
            horizon: 52.0,
            calibration_end: None,
        }
    }
}

/// The five criteria steps of the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Demographic,
    Geographic,
    Psychographic,
    PurchaseHistory,
    Benefits,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Demographic,
        Step::Geographic,
        Step::Psychographic,
        Step::PurchaseHistory,
        Step::Benefits,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Demographic => "demographic",
            Step::Geographic => "geographic",
            Step::Psychographic => "psychographic",
            Step::PurchaseHistory => "purchase_history",
            Step::Benefits => "benefits",
        }
    }

    pub fn from_name(s: &str) -> Option<Step> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overlap {
    #[default]
    FirstMatch,
    Strict,
}

/// A category value listed in a `map` group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum MapValue {
    Text(String),
    Number(f64),
    Bool(bool),
}

impl std::fmt::Display for MapValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MapValue::Text(s) => write!(f, "{s}"),
            MapValue::Number(n) => write!(f, "{n}"),
            MapValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Segment {
    pub name: Spanned<String>,
    pub when: Spanned<String>,
}

/// How a criterion splits customers (exactly one form).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Bins {
        /// The column binned, or with `expr` a numeric expression of the customer's fields
        /// (`2014 - Year_Birth`), as the workspace writes it (`column =` or `expr =`).
        column: Spanned<String>,
        edges: Vec<f64>,
        labels: Vec<String>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        expr: bool,
    },
    Map {
        column: Spanned<String>,
        groups: Vec<(String, Vec<MapValue>)>,
    },
    Segments(Vec<Segment>),
}

impl Rule {
    /// Each rule as people read it, in rule order: (segment, what puts a customer in it), e.g.
    /// `("adult", "25 ≤ age < 40")`, `("nordic", "country in Denmark, Sweden")`.
    pub fn texts(&self) -> Vec<(String, String)> {
        let num = crate::engine::format::plain_number;
        match self {
            Rule::Bins {
                column,
                edges,
                labels,
                ..
            } => labels
                .iter()
                .enumerate()
                .map(|(k, l)| {
                    let lo = k.checked_sub(1).and_then(|i| edges.get(i));
                    let cond = match (lo, edges.get(k)) {
                        (None, Some(h)) => format!("{} < {}", column.value, num(*h)),
                        (Some(l), Some(h)) => {
                            format!("{} ≤ {} < {}", num(*l), column.value, num(*h))
                        }
                        (Some(l), None) => format!("{} ≥ {}", column.value, num(*l)),
                        (None, None) => format!("{} is not missing", column.value),
                    };
                    (l.clone(), cond)
                })
                .collect(),
            Rule::Map { column, groups } => groups
                .iter()
                .map(|(g, vals)| {
                    let v: Vec<String> = vals.iter().map(|v| v.to_string()).collect();
                    (g.clone(), format!("{} in {}", column.value, v.join(", ")))
                })
                .collect(),
            Rule::Segments(segs) => segs
                .iter()
                .map(|s| (s.name.value.clone(), s.when.value.clone()))
                .collect(),
        }
    }

    /// The segment labels the rules can produce, in rule order (without `otherwise`).
    pub fn labels(&self) -> Vec<String> {
        match self {
            Rule::Bins { labels, .. } => labels.clone(),
            Rule::Map { groups, .. } => groups.iter().map(|g| g.0.clone()).collect(),
            Rule::Segments(s) => s.iter().map(|s| s.name.value.clone()).collect(),
        }
    }
}

/// One way of splitting every customer into segments.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Criterion {
    pub name: Spanned<String>,
    pub step: Step,
    pub rule: Rule,
    pub overlap: Overlap,
    pub otherwise: String,
}

/// A per-segment measure besides value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measure {
    pub name: String,
    /// `share`, `mean` or `sum`.
    pub kind: MeasureKind,
    pub expr: Spanned<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MeasureKind {
    Share,
    Mean,
    Sum,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ValuationConfig {
    /// Per-customer value: a column, a derived field or an expression; None = `revenue` with orders, else 1 per customer.
    pub value: Option<Spanned<String>>,
    pub cost: Option<Spanned<String>>,
    pub min_customer_share: f64,
    pub min_value_share: f64,
    pub measures: Vec<Measure>,
}

impl Default for ValuationConfig {
    fn default() -> Self {
        ValuationConfig {
            value: None,
            cost: None,
            min_customer_share: 0.02,
            min_value_share: 0.05,
            measures: vec![],
        }
    }
}

/// A whole workspace file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Workspace {
    /// The workspace file itself.
    pub file: PathBuf,
    #[serde(skip)]
    pub source: String,
    pub version: i64,
    pub data: DataConfig,
    pub columns: ColumnRoles,
    /// Step 2: what each column tells about a customer, as confirmed (`[characteristics]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub characteristics: Vec<(
        Spanned<String>,
        crate::engine::rules::characteristics::Characteristic,
    )>,
    pub purchase_history: PurchaseConfig,
    pub criteria: Vec<Criterion>,
    pub valuation: ValuationConfig,
}

impl Workspace {
    /// The folder paths in the workspace are relative to.
    pub fn base_dir(&self) -> PathBuf {
        self.file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// 1-based line and column of a byte offset in the source.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        crate::engine::error::line_col(&self.source, offset)
    }

    /// A diagnostic placed at a span of the source.
    pub fn diag_at(
        &self,
        span: &Range<usize>,
        message: impl Into<String>,
    ) -> crate::engine::Diagnostic {
        let d = crate::engine::Diagnostic::new(&self.file, message);
        if span.is_empty() && span.start == 0 {
            return d;
        }
        let (l, c) = self.line_col(span.start);
        d.at(l, c)
    }

    /// The source span of a 1-based character position inside a quoted condition string.
    pub fn condition_span(&self, text: &Spanned<String>, pos: Option<usize>) -> Range<usize> {
        match pos {
            Some(p) if text.span.end > text.span.start && text.span.start < self.source.len() => {
                let after_quote = &self.source[text.span.start + 1..];
                let start = text.span.start
                    + 1
                    + after_quote
                        .chars()
                        .take(p.saturating_sub(1))
                        .map(char::len_utf8)
                        .sum::<usize>();
                start..start
            }
            _ => text.span.clone(),
        }
    }

    pub fn criterion(&self, name: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.name.value == name)
    }

    /// The data files as the workspace names them: customers, orders, then each join.
    pub fn data_files(&self) -> Vec<&FileRef> {
        let mut v: Vec<&FileRef> = Vec::new();
        v.extend(self.data.customers.as_ref());
        v.extend(self.data.orders.as_ref());
        v.extend(self.data.joins.iter().map(|j| &j.file));
        v
    }

    /// Every file the workspace reads (never to be written).
    pub fn input_files(&self) -> Vec<PathBuf> {
        let base = self.base_dir();
        self.data_files().iter().map(|f| f.resolve(&base)).collect()
    }
}
