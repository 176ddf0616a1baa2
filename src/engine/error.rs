//! Engine errors and located diagnostics (file, line, column, key, hint).

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem found in a file, with enough location for the user to go and fix it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line, when the problem has a position.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the problem has a position.
    pub column: Option<usize>,
    /// The workspace key the problem sits under (e.g. `criteria.age_band.bins.column`).
    pub key: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: None,
            column: None,
            key: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(k) = &self.key {
            write!(f, " (key `{k}`)")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A data file could not be read or understood.
    #[error("{path}: {message}", path = .path.display())]
    Data { path: PathBuf, message: String },
    /// One or more problems in a workspace file.
    #[error("{}", join_diagnostics(.0))]
    Workspace(Vec<Diagnostic>),
    /// Writing an output failed.
    #[error("cannot write {path}: {message}", path = .path.display())]
    Write { path: PathBuf, message: String },
    /// Invalid request from the caller (bad option value and the like).
    #[error("{0}")]
    Invalid(String),
    /// A predictive-value model could not be fitted.
    #[error(transparent)]
    Model(#[from] ClvError),
    /// Bad values or bad rows in a data file whose options say to stop on them (the default).
    #[error("{}: {}", .path.display(), .quality.error_message(*.rows))]
    Quality {
        path: PathBuf,
        quality: Box<crate::engine::data::quality::FileQuality>,
        /// The bad rows are the error (else the bad values).
        rows: bool,
    },
    /// A database source could not be read: the server (`host:port/db`, never a password) and
    /// what went wrong, with the server's own message quoted.
    #[error("PostgreSQL server {server}: {message}")]
    Database { server: String, message: String },
    /// The user cancelled a long load (Esc in the wizard, Ctrl-C on the command line).
    #[error("cancelled; nothing was written")]
    Cancelled,
}

fn join_diagnostics(d: &[Diagnostic]) -> String {
    let mut s = String::new();
    for (i, x) in d.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&x.to_string());
    }
    if d.len() > 1 {
        s.push_str(&format!("\n{} problems found", d.len()));
    }
    s
}

impl EngineError {
    pub fn data(path: &Path, message: impl Into<String>) -> Self {
        EngineError::Data {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClvError {
    #[error(
        "no customer has orders up to as_of: there is nothing to fit the BG/NBD model on (check \
         [data] as_of and orders_filter)"
    )]
    NoHistory,
    #[error(
        "no customer has orders up to the calibration end {0}: set a later \
         purchase_history.clv.calibration_end (or --calibration-end)"
    )]
    NoCalibration(String),
    #[error(
        "the calibration end {0} is not before as_of {1}, so there is no period after it to \
         compare with: set an earlier purchase_history.clv.calibration_end (or --calibration-end)"
    )]
    NoHoldout(String, String),
    #[error(
        "only {found} customers bought again on a later day; the {model} model needs at least \
         {need} (use more history, or a later as_of or calibration end)"
    )]
    TooFewRepeatBuyers {
        model: &'static str,
        found: usize,
        need: usize,
    },
    #[error(
        "only {found} of the {repeat} customers who bought again have repeat purchases worth \
         more than nothing; the Gamma-Gamma model of spend needs at least {need} (check the \
         amount role in [columns])"
    )]
    TooFewSpenders {
        found: usize,
        repeat: usize,
        need: usize,
    },
    #[error(
        "the {model} likelihood is flat: parameter {param} ran away to {value:.3e}, so the data \
         cannot pin it down (more history, or a coarser time unit, may help)"
    )]
    Flat {
        model: &'static str,
        param: &'static str,
        value: f64,
    },
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The closest candidate to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lw = word.to_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    // a short name that starts a longer one (`R` → `r_score`, `recency` → `recency_days`)
    if let Some(c) = candidates
        .iter()
        .filter(|c| c.to_lowercase().starts_with(&format!("{lw}_")))
        .min_by_key(|c| c.len())
    {
        return Some(c.to_string());
    }
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&lw, &c.to_lowercase());
        if score > best.map_or(0.0, |b| b.0) {
            best = Some((score, c));
        }
    }
    best.filter(|b| b.0 >= 0.8).map(|b| b.1.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_knows_short_names_and_typos() {
        let names = ["r_score", "f_score", "m_score", "recency_days", "age"];
        assert_eq!(did_you_mean("R", names).as_deref(), Some("r_score"));
        assert_eq!(
            did_you_mean("recency", names).as_deref(),
            Some("recency_days")
        );
        assert_eq!(did_you_mean("agee", names).as_deref(), Some("age"));
        assert_eq!(did_you_mean("zzz", names), None);
    }

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let t = "ab\nçd = x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // 'ç' is two bytes; the offset of 'd' is 5, its column is 2
        assert_eq!(line_col(t, 5), (2, 2));
    }

    #[test]
    fn suggests_close_names_only() {
        let cands = ["age", "income", "gender"];
        assert_eq!(did_you_mean("agee", cands), Some("age".into()));
        assert_eq!(did_you_mean("Incme", cands), Some("income".into()));
        assert_eq!(did_you_mean("zzzz", cands), None);
    }
}
