//! Quality findings a marketer wants before segmenting: ids, returns, prices, dates, types.

use std::collections::{HashMap, HashSet};

use polars::prelude::*;

use super::ReadOptions;
use super::profile::{ColumnProfile, profile};
use super::roles::{Role, Suggestion, suggest_all};
use super::table::Table;
use super::values::{as_text, is_numeric, is_temporal};

mod by_role;
mod trips;

use by_role::{cancellation_findings, date_findings, id_findings, money_findings};

pub use trips::{Check, Policy, guessed_checks};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
}

/// One thing worth knowing about the data.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A stable code for scripts (e.g. `missing_ids`).
    pub code: &'static str,
    pub column: Option<String>,
    /// How many rows (or values) it concerns.
    pub count: usize,
    pub message: String,
    /// The places in the file it names (lines of text, spreadsheet rows, JSON records), the
    /// first few.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<usize>,
    /// The workspace option that handles it, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
}

/// Which columns play which part, as far as the audit needs to know.
#[derive(Debug, Clone, Default)]
pub struct AuditRoles {
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
    pub dates: Vec<String>,
    pub amounts: Vec<String>,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
    /// An order log (ids repeat by design) rather than one row per customer.
    pub is_orders: bool,
}

impl AuditRoles {
    /// Roles taken from suggestions, for a file audited on its own.
    pub fn from_suggestions(sugg: &[Suggestion], profiles: &[ColumnProfile]) -> Self {
        let first = |r: Role| {
            sugg.iter()
                .find(|s| s.role == r && s.confidence >= 0.6)
                .map(|s| s.column.clone())
        };
        let all = |r: Role| {
            sugg.iter()
                .filter(|s| s.role == r)
                .map(|s| s.column.clone())
                .collect::<Vec<_>>()
        };
        let mut r = AuditRoles {
            customer_id: first(Role::CustomerId),
            order_id: first(Role::OrderId),
            dates: profiles
                .iter()
                .filter(|p| p.kind == "date" || p.kind == "datetime")
                .map(|p| p.name.clone())
                .collect(),
            amounts: all(Role::Amount),
            quantity: first(Role::Quantity),
            unit_price: first(Role::UnitPrice),
            is_orders: false,
        };
        // ids repeating on a few rows are duplicates in a customer list, not an order log
        let id_repeats = r
            .customer_id
            .as_ref()
            .and_then(|c| profiles.iter().find(|p| &p.name == c))
            .is_some_and(|p| (p.distinct as f64) < 0.9 * (p.rows - p.nulls) as f64);
        r.is_orders =
            r.order_id.is_some() || (id_repeats && (!r.dates.is_empty() || r.quantity.is_some()));
        r
    }
}

/// Everything `strata audit` reports about one table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableAudit {
    pub path: String,
    pub format: super::FileFormat,
    pub rows: usize,
    pub columns: usize,
    pub delimiter: Option<String>,
    /// What of a database file was read: `table customers`, `a query`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub kind: &'static str,
    pub profile: Vec<ColumnProfile>,
    pub suggestions: Vec<Suggestion>,
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
}

/// What a report shows of a table's audit: its size, what it looks like, and each finding's
/// words, kept in the cache beside the file's tables.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditDigest {
    pub path: String,
    pub rows: usize,
    pub columns: usize,
    pub kind: String,
    /// (a warning, not a note; the finding's message)
    pub findings: Vec<(bool, String)>,
}

impl From<&TableAudit> for AuditDigest {
    fn from(a: &TableAudit) -> Self {
        AuditDigest {
            path: a.path.clone(),
            rows: a.rows,
            columns: a.columns,
            kind: a.kind.to_string(),
            findings: a
                .findings
                .iter()
                .map(|f| (f.severity == Severity::Warning, f.message.clone()))
                .collect(),
        }
    }
}

fn n(x: usize) -> String {
    crate::engine::format::thousands(x as u64)
}

fn series<'a>(df: &'a DataFrame, name: &str) -> Option<&'a Series> {
    df.column(name).ok().map(|c| c.as_materialized_series())
}

/// Columns that hold ids or codes (numbers stored as text there are no mistake).
fn id_like<'a>(suggestions: &'a [Suggestion], roles: &'a AuditRoles) -> HashSet<&'a str> {
    suggestions
        .iter()
        .filter(|s| matches!(s.role, Role::CustomerId | Role::OrderId | Role::Product))
        .map(|s| s.column.as_str())
        .chain(roles.customer_id.as_deref())
        .chain(roles.order_id.as_deref())
        .collect()
}

/// Per column: numbers kept as text, empty columns, constant columns (`checked`: columns whose
/// bad values are found on their own).
fn column_findings(
    df: &DataFrame,
    profiles: &[ColumnProfile],
    (id_like, checked): (&HashSet<&str>, &[Check]),
    f: &mut Vec<Finding>,
) {
    for p in profiles {
        if !id_like.contains(p.name.as_str()) && !checked.iter().any(|c| c.column == p.name) {
            text_numbers(df, p, f);
        }
        let non_null = p.rows - p.nulls;
        if p.rows > 1 && non_null == 0 {
            f.push(Finding {
                severity: Severity::Warning,
                lines: vec![],
                option: None,
                code: "empty_column",
                column: Some(p.name.clone()),
                count: p.rows,
                message: format!("column {} is empty in every row", p.name),
            });
        } else if p.rows > 1 && p.distinct == 1 && p.nulls == 0 {
            f.push(Finding {
                severity: Severity::Info,
                lines: vec![],
                option: None,
                code: "constant_column",
                column: Some(p.name.clone()),
                count: p.rows,
                message: format!(
                    "column {} has the same value in every row ({}); it cannot split anyone",
                    p.name, p.samples[0]
                ),
            });
        }
    }
}

/// Audit a loaded table. `roles` None means: use the role suggestions.
pub fn audit_table(table: &Table, roles: Option<AuditRoles>) -> TableAudit {
    audit_table_checked(table, roles, &ReadOptions::default(), None)
}

/// Audit a table read with `opts`, naming what a run would stop on: its bad rows, the bad
/// values of the columns `checks` says a run reads as numbers or dates, and duplicate ids when
/// it is one row per customer, each as the workspace's `Policy` says a run treats it (`None`:
/// a file on its own, whose nearly all-numeric text columns are checked, and a run stops).
pub fn audit_table_checked(
    table: &Table,
    roles: Option<AuditRoles>,
    opts: &ReadOptions,
    checks: Option<(&[Check], Policy)>,
) -> TableAudit {
    let df = &table.df;
    let profiles = profile(df);
    let suggestions = suggest_all(&profiles);
    let roles = roles.unwrap_or_else(|| AuditRoles::from_suggestions(&suggestions, &profiles));
    let mut f = Vec::new();
    let rows = df.height();
    let ids = id_like(&suggestions, &roles);
    let guessed;
    let (checks, policy) = match checks {
        Some(c) => c,
        None => {
            let skip: Vec<&str> = ids.iter().copied().collect();
            guessed = guessed_checks(df, opts, &skip);
            (&guessed[..], Policy::default())
        }
    };
    let unique_ids = roles.customer_id.as_deref().filter(|_| !roles.is_orders);
    trips::trip_findings(table, (opts, policy), checks, unique_ids, &mut f);
    id_findings(df, &roles, &mut f);
    cancellation_findings(df, &roles, &mut f);
    money_findings(df, &roles, &mut f);
    date_findings(df, &roles, &mut f);
    column_findings(df, &profiles, (&ids, checks), &mut f);
    if rows == 0 {
        f.push(Finding {
            severity: Severity::Warning,
            lines: vec![],
            option: None,
            code: "no_rows",
            column: None,
            count: 0,
            message: "the table has no rows (a header only?): as orders, every customer's \
                      purchases would count as 0"
                .into(),
        });
    }
    let dup_rows = duplicate_rows(df);
    if dup_rows > 0 {
        f.push(Finding {
            severity: Severity::Info,
            lines: vec![],
            option: None,
            code: "duplicate_rows",
            column: None,
            count: dup_rows,
            message: format!("{} rows repeat an earlier row exactly", n(dup_rows)),
        });
    }
    TableAudit {
        path: table.path.display().to_string(),
        format: table.format,
        rows,
        columns: df.width(),
        delimiter: table.delimiter.map(super::delimited::show_delim),
        source: match (&opts.table, &opts.query) {
            (_, Some(_)) => Some("a query".into()),
            (Some(t), None) => Some(format!("table {t}")),
            (None, None) => None,
        },
        kind: if roles.is_orders {
            "orders"
        } else {
            "customers"
        },
        profile: profiles,
        suggestions,
        findings: f,
        notes: table.notes.clone(),
    }
}

/// Text columns whose values are mostly numbers: a sign of numbers stored as text or mixed types.
fn text_numbers(df: &DataFrame, p: &ColumnProfile, f: &mut Vec<Finding>) {
    if p.kind != "text" {
        return;
    }
    let Some(s) = series(df, &p.name) else { return };
    let Ok(ca) = s.str() else { return };
    let (mut num, mut other) = (0usize, 0usize);
    let mut examples: Vec<String> = Vec::new();
    for v in ca.iter().flatten() {
        let t = v.trim();
        if t.parse::<f64>().is_ok() {
            num += 1;
        } else {
            other += 1;
            if examples.len() < 3 && !examples.iter().any(|e| e == t) {
                examples.push(t.to_string());
            }
        }
    }
    let total = num + other;
    if total == 0 || num == 0 || other == 0 {
        return;
    }
    let share = num as f64 / total as f64;
    let ex = examples
        .iter()
        .map(|e| format!("\"{}\"", crate::engine::format::clip(e, 24)))
        .collect::<Vec<_>>()
        .join(", ");
    if share >= 0.9 {
        f.push(Finding {
            severity: Severity::Warning,
            lines: vec![],
            option: None,
            code: "numbers_as_text",
            column: Some(p.name.clone()),
            count: other,
            message: format!(
                "column {} is read as text: {} of its values are numbers, but {} are not (e.g. {ex})",
                p.name,
                crate::engine::format::share_of(num, total),
                n(other)
            ),
        });
    } else if share >= 0.1 {
        f.push(Finding {
            severity: Severity::Info,
            lines: vec![],
            option: None,
            code: "mixed_types",
            column: Some(p.name.clone()),
            count: num,
            message: format!(
                "column {} mixes numbers ({}) and text (e.g. {ex})",
                p.name,
                n(num)
            ),
        });
    }
}

/// Rows that repeat an earlier row exactly (all columns). Rows are hashed from their typed
/// values (no text copies); rows with equal hashes are compared value by value.
fn duplicate_rows(df: &DataFrame) -> usize {
    use std::hash::BuildHasher;
    let n = df.height();
    let state = foldhash::fast::FixedState::with_seed(0x5eed);
    let mut row_hash = vec![0u64; n];
    let mix = |h: &mut u64, v: u64| *h = state.hash_one((*h, v));
    for c in df.columns() {
        let s = c.as_materialized_series();
        let each = |row_hash: &mut Vec<u64>, vals: &mut dyn Iterator<Item = Option<u64>>| {
            for (h, v) in row_hash.iter_mut().zip(vals) {
                // a missing value hashes apart from every value
                mix(h, v.map_or(0x9e37_79b9_7f4a_7c15, |x| state.hash_one(x)));
            }
        };
        if let Ok(ca) = s.str() {
            each(
                &mut row_hash,
                &mut ca.iter().map(|v| v.map(|t| state.hash_one(t))),
            );
        } else if let Ok(ca) = s.bool() {
            each(&mut row_hash, &mut ca.iter().map(|v| v.map(u64::from)));
        } else if let Some(ca) = s
            .cast(&DataType::Float64)
            .ok()
            .filter(|_| is_numeric(s.dtype()) || is_temporal(s.dtype()))
        {
            let ca = ca
                .f64()
                .cloned()
                .unwrap_or_else(|_| Float64Chunked::full_null("".into(), n));
            each(&mut row_hash, &mut ca.iter().map(|v| v.map(f64::to_bits)));
        } else {
            // any other type through its text
            let texts = as_text(s);
            each(
                &mut row_hash,
                &mut texts
                    .iter()
                    .map(|v| v.as_deref().map(|t| state.hash_one(t))),
            );
        }
    }
    let same_row = |i: usize, j: usize| {
        df.columns().iter().all(|c| {
            let s = c.as_materialized_series();
            matches!((s.get(i), s.get(j)), (Ok(a), Ok(b)) if a == b)
        })
    };
    // the first row of each hash; rows whose hash is taken by a different row go to `more`
    let mut first: HashMap<u64, u32, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(n, Default::default());
    let mut more: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut dups = 0;
    for (i, &h) in row_hash.iter().enumerate() {
        match first.get(&h) {
            None => {
                first.insert(h, i as u32);
            }
            Some(&j) => {
                let others = more.entry(h).or_default();
                if same_row(i, j as usize) || others.iter().any(|&k| same_row(i, k as usize)) {
                    dups += 1;
                } else {
                    others.push(i as u32);
                }
            }
        }
    }
    dups
}
