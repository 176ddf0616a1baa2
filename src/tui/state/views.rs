//! What the engine evaluated, shaped for the screens: a criterion, moves between two dates,
//! the predictive models.

use chrono::NaiveDate;

use crate::engine::eval::clv::ClvFit;
use crate::engine::eval::clv::holdout::Holdout;
use crate::engine::eval::frame::DType;
use crate::engine::eval::session::{CriterionResult, Session};
use crate::engine::rules::{Criterion, Rule};

/// What a criterion's column looks like, for the distribution chart.
#[derive(Debug, Clone)]
pub enum Distribution {
    /// Numeric column: equal-width bins and the criterion's cut points.
    Histogram {
        column: String,
        bins: Vec<(f64, f64, usize)>,
        cuts: Vec<f64>,
        integral: bool,
    },
    /// Category column: the most frequent values and their counts.
    Counts {
        column: String,
        top: Vec<(String, usize)>,
    },
    /// Rule list: how many customers each rule matches (whatever the order).
    Rules,
}

/// Histograms per column name, with whether the column holds whole numbers.
pub type HistogramCache = std::collections::HashMap<String, (Vec<(f64, f64, usize)>, bool)>;

/// A criterion as the screens show it.
#[derive(Debug, Clone)]
pub struct CriterionView {
    pub criterion: Criterion,
    pub result: CriterionResult,
    pub distribution: Distribution,
}

impl CriterionView {
    /// Build the view of criterion `i` of a session.
    pub fn build(s: &Session, i: usize) -> CriterionView {
        Self::build_cached(s, i, &mut HistogramCache::default())
    }

    /// The same, reusing a column's histogram across edits (nudging a cut point does not change
    /// the column, so the worker does not scan a million values again).
    pub fn build_cached(s: &Session, i: usize, cache: &mut HistogramCache) -> CriterionView {
        let criterion = s.ws.criteria[i].clone();
        let distribution = match &criterion.rule {
            Rule::Bins { column, edges, .. } => {
                let (bins, integral) = cache
                    .entry(column.value.clone())
                    .or_insert_with(|| {
                        // the column, or the expression's values
                        let col = crate::engine::eval::criteria::binned(&criterion.rule, &s.base);
                        let integral = col
                            .as_ref()
                            .is_some_and(|c| matches!(c.dtype(), DType::Int | DType::Date));
                        (col.map(|c| c.histogram(24)).unwrap_or_default(), integral)
                    })
                    .clone();
                Distribution::Histogram {
                    column: column.value.clone(),
                    bins,
                    cuts: edges.clone(),
                    integral,
                }
            }
            Rule::Map { column, .. } => {
                // most frequent first, ties by value
                let top: Vec<(String, usize)> =
                    crate::engine::eval::frequency::frequency(s, column)
                        .unwrap_or_default()
                        .into_iter()
                        .take(12)
                        .map(|f| (f.value, f.customers))
                        .collect();
                Distribution::Counts {
                    column: column.value.clone(),
                    top,
                }
            }
            Rule::Segments(_) => Distribution::Rules,
        };
        CriterionView {
            criterion,
            result: s.results[i].clone(),
            distribution,
        }
    }
}

/// Transitions of every criterion between two dates (step 9).
#[derive(Debug, Clone)]
pub struct TransitionView {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub criteria: Vec<crate::engine::eval::transitions::Transition>,
}

/// The part of a criteria screen the arrows move in (Tab switches).
/// What the page shows, built on the worker from the evaluated session.
#[derive(Debug, Clone)]
pub struct ClvView {
    pub fit: ClvFit,
    /// Buyers per tenth of p_alive.
    pub alive: Vec<usize>,
    /// The floor of the top quarter of what buyers are worth over the horizon if still active
    /// (the at-risk preset's threshold).
    pub valuable: Option<f64>,
    /// The holdout check when a calibration end is set, or why it could not be made.
    pub holdout: Option<(NaiveDate, Result<Holdout, String>)>,
}

/// Every column and derived field of the session, with its type.
pub fn fields_of(s: &Session) -> Vec<(String, DType)> {
    s.base
        .names
        .iter()
        .filter_map(|n| s.base.dtype_of(n).map(|t| (n.clone(), t)))
        .collect()
}
