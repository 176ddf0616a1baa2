//! What the engine evaluated, as the wizard keeps it: what was read (customers, profiles,
//! quality) and what the rules made of it (criteria, scores, value, ranking).

use crate::engine::data::profile::ColumnProfile;
use crate::engine::data::quality::{BadColumn, FileQuality};
use crate::engine::data::roles::Suggestion;
use crate::engine::eval::frame::DType;
use crate::engine::eval::scores::ScoreInfo;
use crate::engine::eval::session::Session;
use crate::engine::eval::valuation::Pareto;
use crate::engine::rules::ValuationConfig;
use crate::engine::rules::characteristics::{Characteristic, Guess};
use crate::tui::state::ranking::Ranking;
use crate::tui::state::views::{ClvView, CriterionView};

/// The evaluated workspace: `data` is replaced when the data is read again, `rules` when the
/// rules change (see [`crate::tui::state::app::App::take_rules`]).
#[derive(Debug, Clone)]
pub struct Model {
    pub data: Loaded,
    pub rules: Evaluated,
}

/// What was read: the customers, their columns and what was wrong with the files.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub n_customers: usize,
    /// Classify: a profile of every column of the customers (or, without them, the orders).
    pub profiles: Vec<ColumnProfile>,
    pub suggestions: Vec<Suggestion>,
    /// Step 2: the characteristic suggested for each profiled column (same order as `profiles`).
    pub guesses: Vec<Guess>,
    /// Step 2: the characteristics confirmed, (column, characteristic). Kept here, not with the
    /// evaluated rules: a confirmation changes no result, so it never waits for (or is undone
    /// by) an evaluation coming back; the file saved elsewhere sets them again.
    pub characteristics: Vec<(crate::engine::rules::Spanned<String>, Characteristic)>,
    /// Classify profiles the orders table (there is no customers table).
    pub profiled_orders: bool,
    /// The `[columns]` roles of the workspace: (key, column); `pii` once per column.
    pub roles: Vec<(String, String)>,
    /// With no orders and no value set: a value to suggest, and why (`v` starts with it).
    pub value_hint: Option<(String, String)>,
    /// The evaluation date and the first order's (days since 1970-01-01), for the transitions'
    /// default dates.
    pub as_of: Option<i32>,
    pub first_order: Option<i32>,
    /// Per file with bad values or bad rows: what was found (read as missing or left out for
    /// now), and what the workspace's options say a run does about it.
    pub quality: Vec<FileQuality>,
    /// What a run would warn of the data (rows left out, values read as missing, …), each on
    /// one line, as the List shows it.
    pub warnings: Vec<String>,
    /// The database tables pulled into local copies: where from and when.
    pub pulled: Vec<crate::engine::data::postgres::Stamp>,
    /// The columns the rules do not read are still being read (a large file's first open):
    /// `profiles` has only those read.
    pub reading_late: bool,
}

/// Everything that depends on the rules: rebuilt as a whole when the workspace changed, one
/// criterion at a time when a rule did.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub criteria: Vec<CriterionView>,
    pub scores: Vec<ScoreInfo>,
    pub rfm_method: String,
    pub valuation: ValuationConfig,
    pub pareto: Pareto,
    pub ranking: Ranking,
    /// The predictive models once fitted (refitted when their settings changed).
    pub clv: Option<Box<ClvView>>,
    /// Every column and derived field conditions may read, with its type (for checking edits;
    /// new purchase settings change the window fields).
    pub fields: Vec<(String, DType)>,
    /// What cannot be right about the values as a whole ([`Session::value_alarm`]): shown on
    /// every step, as a run would warn of it.
    pub alarm: Option<String>,
    /// How many customers have no value ([`Session::missing_values_note`]).
    pub value_note: Option<String>,
}

impl Evaluated {
    pub fn build(s: &Session) -> Evaluated {
        let timing = crate::engine::timing::Timing::new();
        let criteria = (0..s.ws.criteria.len())
            .map(|i| CriterionView::build(s, i))
            .collect();
        timing.mark("  distributions");
        let ranking = Ranking::build(s);
        timing.mark("  ranking");
        Evaluated {
            criteria,
            scores: s.scores.clone(),
            rfm_method: format!(
                "{}, {} bins",
                s.ws.purchase_history.rfm_method.as_str(),
                s.ws.purchase_history.rfm_bins
            ),
            valuation: s.ws.valuation.clone(),
            pareto: s.pareto.clone(),
            ranking,
            clv: None,
            fields: fields_of(s),
            alarm: s.value_alarm(),
            value_note: s.missing_values_note(),
        }
    }
}

impl Loaded {
    /// The files whose problems a run would stop on (their options say `error`), each with the
    /// options that would let it go on: `(workspace key, option, value)`.
    pub fn unsettled(&self) -> Vec<(String, &'static str, &'static str)> {
        let mut v = Vec::new();
        for q in &self.quality {
            if q.values_stop() {
                v.push((q.key.clone(), "bad_values", "missing"));
            }
            if q.rows_stop() {
                v.push((q.key.clone(), "bad_rows", "skip"));
            }
        }
        v
    }

    /// The warnings a run would give of the data, but those that a file's problems that would
    /// stop a run give of how they are read meanwhile (the line on every step says those).
    pub fn run_warnings(&self) -> Vec<&String> {
        // (its notes on how the rest was read are said all the same)
        let stopping: Vec<String> = (self.quality.iter())
            .flat_map(|q| {
                let rows = q.rows_warning().filter(|_| q.rows_stop());
                rows.into_iter()
                    .chain(q.values_warning().filter(|_| q.values_stop()))
            })
            .map(|w| one_line(&w))
            .collect();
        self.warnings
            .iter()
            .filter(|w| !stopping.contains(w))
            .collect()
    }

    /// The bad values of a column of any file, and that file's findings.
    pub fn bad_values_of(&self, name: &str) -> Option<(&FileQuality, &BadColumn)> {
        self.quality
            .iter()
            .find_map(|q| Some((q, q.bad_values.iter().find(|c| c.column == name)?)))
    }

    /// The bad values of a column of the table Classify shows, and its file's findings.
    pub fn bad_column(&self, name: &str) -> Option<(&FileQuality, &BadColumn)> {
        let key = if self.profiled_orders {
            "data.orders"
        } else {
            "data.customers"
        };
        let q = self.quality.iter().find(|q| q.key == key)?;
        Some((q, q.bad_values.iter().find(|c| c.column == name)?))
    }

    /// How long ago (at `now`, seconds since 1970) the oldest database table was pulled.
    pub fn pulled_age(&self, now: u64) -> Option<String> {
        let at = self.pulled.iter().map(|s| s.pulled_at).min()?;
        Some(crate::engine::data::postgres::age_words(
            now.saturating_sub(at),
        ))
    }

    /// The line every step shows while a run would stop on the data: the first problem, and
    /// the key that lets it go on.
    pub fn quality_line(&self) -> Option<String> {
        let q = (self.quality.iter()).find(|q| q.values_stop() || q.rows_stop())?;
        let what = match (q.bad_values.is_empty(), q.bad_rows.is_empty()) {
            (false, true) => "treat bad values as missing",
            (true, false) => "leave bad rows out",
            _ => "bad values as missing, bad rows out",
        };
        Some(format!("{} — fix the file, or b: {what}", q.headline()?))
    }
}

impl Model {
    pub fn new(s: &Session, profiles: Vec<ColumnProfile>, suggestions: Vec<Suggestion>) -> Model {
        let value_hint = value_hint(s, &profiles);
        let guesses = guesses(&profiles, &suggestions);
        let rules = Evaluated::build(s);
        let data = Loaded {
            n_customers: s.base.len,
            guesses,
            characteristics: s.ws.characteristics.clone(),
            profiles,
            suggestions,
            profiled_orders: s.ws.data.customers.is_none(),
            roles: roles(s),
            value_hint,
            as_of: s.as_of,
            first_order: s.base.get("first_order").and_then(|c| {
                use rayon::prelude::*;
                (0..c.len())
                    .into_par_iter()
                    .with_min_len(1 << 15)
                    .filter_map(|k| c.f64_at(k))
                    .reduce_with(f64::min)
                    .map(|d| d as i32)
            }),
            quality: s.quality.clone(),
            // (those about the values are the rules' part: they change with the value)
            warnings: (s.data_warnings().iter())
                .filter(|w| ![&rules.alarm, &rules.value_note].contains(&&Some(w.to_string())))
                .map(|w| one_line(w))
                .collect(),
            pulled: crate::engine::data::postgres::pulled(&s.ws),
            reading_late: false,
        };
        Model { data, rules }
    }
}

pub use crate::tui::state::views::fields_of;

/// One line of a warning that may have several (a list after a colon: its items apart by ";").
fn one_line(w: &str) -> String {
    let mut out = String::new();
    for l in w.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') { " " } else { "; " });
        }
        out.push_str(l);
    }
    out
}

/// With no orders and no value set: a value to suggest from the columns, and why.
fn value_hint(s: &Session, profiles: &[ColumnProfile]) -> Option<(String, String)> {
    (s.ws.data.orders.is_none() && s.ws.valuation.value.is_none())
        .then(|| crate::engine::data::value_hint::suggest_value(profiles))
        .flatten()
}

/// Each column's characteristic, from the role suggested for it.
fn guesses(profiles: &[ColumnProfile], suggestions: &[Suggestion]) -> Vec<Guess> {
    profiles
        .iter()
        .map(|p| {
            let role = suggestions.iter().find(|s| s.column == p.name);
            crate::engine::rules::characteristics::suggest(p, role)
        })
        .collect()
}

/// The columns a large file's first open left for later, once read: every column's profile
/// and role suggestion, and every field the rules may now read.
#[derive(Debug, Clone)]
pub struct LateColumns {
    pub profiles: Vec<ColumnProfile>,
    pub suggestions: Vec<Suggestion>,
    pub value_hint: Option<(String, String)>,
    pub fields: Vec<(String, DType)>,
}

impl LateColumns {
    pub fn new(s: &Session, profiles: Vec<ColumnProfile>) -> LateColumns {
        LateColumns {
            suggestions: crate::engine::data::roles::suggest_all(&profiles),
            value_hint: value_hint(s, &profiles),
            profiles,
            fields: fields_of(s),
        }
    }
}

impl Model {
    /// Take the columns read after the first frame (what the rules made is unchanged: no rule
    /// could read them before).
    pub fn take_late(&mut self, c: LateColumns) {
        let d = &mut self.data;
        d.guesses = guesses(&c.profiles, &c.suggestions);
        d.value_hint = c.value_hint;
        d.profiles = c.profiles;
        d.suggestions = c.suggestions;
        d.reading_late = false;
        self.rules.fields = c.fields;
    }
}

/// The `[columns]` roles set, customers' first, then each PII column.
fn roles(s: &Session) -> Vec<(String, String)> {
    let c = &s.ws.columns;
    let mut v: Vec<(String, String)> = crate::engine::rules::CUSTOMER_ROLE_KEYS
        .iter()
        .chain(crate::engine::rules::ORDER_ROLE_KEYS.iter())
        .filter_map(|k| c.get(k).map(|x| (k.to_string(), x.value.clone())))
        .collect();
    v.extend(c.pii.iter().map(|p| ("pii".to_string(), p.value.clone())));
    v
}
