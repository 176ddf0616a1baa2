//! Findings on what a run would stop on: bad values, bad rows and duplicate ids, with their lines.

use std::collections::HashMap;

use polars::prelude::*;

use super::{Finding, Severity, n, series};
use crate::engine::data::locate::{locate, place_of};
use crate::engine::data::quality::{BadCell, DuplicateIds, NAMED};
use crate::engine::data::reread::{Want, bad_cells, share_as};
use crate::engine::data::table::Table;
use crate::engine::data::values::as_text;
use crate::engine::data::{ReadOptions, quality::Place};
use crate::engine::format::{clip, visible};

/// A column a run reads as numbers or dates, and why.
#[derive(Debug, Clone)]
pub struct Check {
    pub column: String,
    pub want: Want,
    pub why: String,
    /// Found by looking at the values, not named by a role or a rule.
    pub guessed: bool,
    /// Used only by conditions and bins, whose type check stops a column of words (which then
    /// stays text), not by a role or a value (which read every cell).
    pub checked: bool,
}

/// What the workspace says a run does with what is found (a file on its own: it stops).
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    pub values_missing: bool,
    pub rows_skip: bool,
    pub duplicates_first: bool,
}

fn it(n: usize) -> &'static str {
    if n == 1 { "it" } else { "them" }
}

/// Of a table read on its own, the text columns a run would read as numbers or dates if a role
/// or a rule used them: those whose values, nearly all (90 %), are numbers or dates.
pub fn guessed_checks(df: &DataFrame, opts: &ReadOptions, skip: &[&str]) -> Vec<Check> {
    let mut out = Vec::new();
    for c in df.columns() {
        let s = c.as_materialized_series();
        if s.dtype() != &DataType::String || skip.contains(&s.name().as_str()) {
            continue;
        }
        for (want, what) in [(Want::Number, "numbers"), (Want::Date, "dates")] {
            let share = share_as(s, want, opts);
            // most values, in a column named for them ("amount", "order_date"), as a small
            // file's one bad cell leaves them
            let named = share >= 0.5 && named_for(s.name(), want);
            if (0.9..1.0).contains(&share) || (named && share < 1.0) {
                out.push(Check {
                    column: s.name().to_string(),
                    want,
                    why: format!(
                        "{} its values are {what}",
                        match share {
                            s if s >= 0.9 => "nearly all",
                            s if s > 0.5 => "most of",
                            _ => "half of",
                        }
                    ),
                    guessed: true,
                    checked: false,
                });
                break;
            }
        }
    }
    out
}

/// Whether a column's name says it holds money or counts (`Number`) or days (`Date`).
fn named_for(name: &str, want: Want) -> bool {
    let n = name.to_lowercase();
    let words: &[&str] = match want {
        Want::Number => &[
            "amount", "price", "qty", "quantity", "revenue", "total", "value", "spend", "cost",
            "income", "sales", "units",
        ],
        _ => &["date", "day", "time", "_at"],
    };
    words.iter().any(|w| n.contains(w))
}

/// One column's bad cells, as found.
struct Bad<'c> {
    check: &'c Check,
    count: usize,
    first: Vec<BadCell>,
    /// The cells that read as wanted.
    good: usize,
}

/// The duplicated ids of a column: each id with its rows (from 0), in order of first row.
fn duplicate_ids(s: &Series) -> Vec<(String, Vec<usize>)> {
    let texts = as_text(s);
    let mut rows: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, v) in texts.iter().enumerate() {
        if let Some(v) = v {
            rows.entry(v.as_str()).or_default().push(i);
        }
    }
    let mut dups: Vec<(String, Vec<usize>)> = rows
        .into_iter()
        .filter(|(_, r)| r.len() > 1)
        .map(|(k, r)| (k.to_string(), r))
        .collect();
    dups.sort_by_key(|(_, r)| r[0]);
    dups
}

/// Bad rows, bad values in `checks` and (with `ids`, a customers or joined table's id column)
/// duplicate ids, each naming its first places in the file.
pub fn trip_findings(
    table: &Table,
    (opts, policy): (&ReadOptions, Policy),
    checks: &[Check],
    ids: Option<&str>,
    f: &mut Vec<Finding>,
) {
    let df = &table.df;
    let place = place_of(&table.path, opts);
    bad_rows_finding(table, place, policy, f);
    let bad: Vec<Bad> = checks
        .iter()
        .filter_map(|c| {
            let s = series(df, &c.column)?;
            let (count, first, good) = bad_cells(s, c.want, opts)?;
            Some(Bad {
                check: c,
                count,
                first,
                good,
            })
        })
        .collect();
    let dups = ids
        .and_then(|c| series(df, c))
        .map(duplicate_ids)
        .unwrap_or_default();
    // every row to name, located in one read of the file
    let mut rows: Vec<usize> = bad
        .iter()
        .flat_map(|b| b.first.iter().map(|c| c.row))
        .collect();
    rows.extend(
        dups.iter()
            .take(NAMED)
            .flat_map(|(_, r)| r.iter().take(NAMED + 1)),
    );
    let lines = locate(&table.path, opts, &rows).unwrap_or_else(|_| rows.clone());
    let line_of: HashMap<usize, usize> = rows.iter().copied().zip(lines).collect();
    let at = |row: usize| line_of.get(&row).copied().unwrap_or(0);
    for b in &bad {
        f.push(bad_values_finding(b, (place, policy), &at));
    }
    if !dups.is_empty() {
        f.push(duplicates_finding(
            ids.unwrap_or_default(),
            &dups,
            (place, policy),
            &at,
        ));
    }
}

fn bad_values_finding(
    b: &Bad,
    (place, policy): (Place, Policy),
    at: &dyn Fn(usize) -> usize,
) -> Finding {
    let c = b.check;
    let named: Vec<String> = b
        .first
        .iter()
        .take(NAMED)
        .map(|x| {
            format!(
                "{} {} \"{}\"",
                place.word(),
                at(x.row),
                clip(&visible(&x.value), 30)
            )
        })
        .collect();
    let more = if b.count > named.len() {
        format!(", … {} more", n(b.count - named.len()))
    } else {
        String::new()
    };
    let nouns = format!("{}s", c.want.noun());
    let one = b.count == 1;
    let what = format!(
        "column {}: {} of its {} values {} not {}: {}{more}",
        c.column,
        n(b.count),
        n(b.count + b.good),
        if one { "is" } else { "are" },
        if one {
            format!("a {}", c.want.noun())
        } else {
            nouns.clone()
        },
        named.join(", "),
    );
    let (severity, how) = bad_values_advice(b, policy);
    Finding {
        severity,
        code: "bad_values",
        column: Some(c.column.clone()),
        count: b.count,
        lines: b.first.iter().map(|x| at(x.row)).collect(),
        option: Some("bad_values = \"missing\"".into()),
        message: format!("{what}; {how}"),
    }
}

/// How bad the bad values of `b` are, and what a run does about them and the user can.
fn bad_values_advice(b: &Bad, policy: Policy) -> (Severity, String) {
    let c = b.check;
    let nouns = format!("{}s", c.want.noun());
    if c.checked && b.count > b.good {
        // mostly words: the rule mistook a text column for numbers
        (
            Severity::Warning,
            format!(
                "the column is text, but {} reads it as {nouns}: a run stops on the rule's type error; read another column there, or fix the column",
                c.why
            ),
        )
    } else if c.guessed {
        (
            Severity::Warning,
            format!(
                "the column is read as text, though {}; a run that reads it as {nouns} (a role or a rule) stops on {}: fix {} in the file, or set bad_values = \"missing\" for this file",
                c.why,
                it(b.count),
                it(b.count)
            ),
        )
    } else if policy.values_missing {
        (
            Severity::Info,
            format!(
                "the column is read as {nouns} ({}); a run reads {} as missing (bad_values = \"missing\")",
                c.why,
                it(b.count)
            ),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "the column is read as {nouns} ({}); a run stops on {}: fix {} in the file, or set bad_values = \"missing\" for this file",
                c.why,
                it(b.count),
                it(b.count)
            ),
        )
    }
}

fn bad_rows_finding(table: &Table, place: Place, policy: Policy, f: &mut Vec<Finding>) {
    let r = &table.bad_rows;
    if r.is_empty() {
        return;
    }
    let named: Vec<String> = r
        .first
        .iter()
        .take(NAMED)
        .map(|b| {
            let fields = if b.fields == 1 { "field" } else { "fields" };
            format!("{} {} ({} {fields})", place.word(), b.line, b.fields)
        })
        .collect();
    let more = if r.count > named.len() {
        format!(", … {} more", n(r.count - named.len()))
    } else {
        String::new()
    };
    let (severity, how) = if policy.rows_skip {
        (
            Severity::Info,
            format!("a run leaves {} out (bad_rows = \"skip\")", it(r.count)),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "a run stops on {}: fix {} (or set `delimiter` if it was guessed wrong), or set bad_rows = \"skip\" for this file to leave {} out",
                it(r.count),
                it(r.count),
                it(r.count)
            ),
        )
    };
    f.push(Finding {
        severity,
        code: "bad_rows",
        column: None,
        count: r.count,
        lines: r.first.iter().map(|b| b.line).collect(),
        option: Some("bad_rows = \"skip\"".into()),
        message: format!(
            "{} {} the wrong number of fields (the header has {}): {}{more}; {how}",
            n(r.count),
            if r.count == 1 { "row has" } else { "rows have" },
            r.expected,
            named.join(", "),
        ),
    });
}

fn duplicates_finding(
    column: &str,
    dups: &[(String, Vec<usize>)],
    (place, policy): (Place, Policy),
    at: &dyn Fn(usize) -> usize,
) -> Finding {
    let d = DuplicateIds {
        ids: dups.len(),
        extra_rows: dups.iter().map(|(_, r)| r.len() - 1).sum(),
        first: dups
            .iter()
            .take(NAMED)
            .map(|(id, rows)| {
                (
                    id.clone(),
                    rows.iter().take(NAMED + 1).map(|&r| at(r)).collect(),
                )
            })
            .collect(),
        place,
    };
    let (severity, how) = if policy.duplicates_first {
        (
            Severity::Info,
            "a run keeps the first row of each (duplicate_ids = \"first\")".to_string(),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "a run stops on {}: fix the data, or set [data] duplicate_ids = \"first\" to keep the first row of each",
                it(d.ids)
            ),
        )
    };
    Finding {
        severity,
        code: "duplicate_ids",
        column: Some(column.to_string()),
        count: dups.len(),
        lines: d
            .first
            .iter()
            .flat_map(|(_, l)| l.iter().copied())
            .collect(),
        option: Some("duplicate_ids = \"first\"".into()),
        message: format!("{}; {how}", d.message()),
    }
}
