//! The edit prompt: what it edits (a part of a criterion, or a setting of the screen), the text
//! typed with its cursor, and the verdict on it.

use crate::engine::eval::frame::DType;
use crate::engine::rules::Criterion;
pub use crate::engine::rules::edit::{
    EditError, Part, StructEdit, add_rule, check_criterion_name, delete_rule, map_moves, move_rule,
    new_criterion, parse_dates, parse_thresholds,
};

/// The part of a criterion a prompt edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The `when` of segment k.
    Condition(usize),
    /// The name of segment / group / bin label k.
    Name(usize),
    /// The cut points of `bins`, as `25, 40, 60`.
    Edges,
    /// The values of map group k, as `a, b, c`.
    Values(usize),
    /// The `otherwise` label.
    Otherwise,
    /// The criterion's own name.
    CriterionName,
    /// The valuation minimums, as `2 %, 5 %`.
    Thresholds,
    /// The characteristic of the selected column in Classify (or a `[columns]` key).
    Characteristic,
    /// Two dates for the transitions view, `2024-01-01, 2025-01-01`.
    Dates,
    /// `[valuation] value`: each customer's value, an expression.
    Value,
    /// `[valuation] cost`: each customer's cost to serve, an expression.
    Cost,
    /// The column a new criterion is made from (nothing: a rule list).
    NewFrom,
    /// Where to write the selected segment's customers (a `.csv`, `.parquet` or `.json` file).
    ExportPath,
}

impl Target {
    /// Targets that belong to the workspace or the screen, not to one criterion's rules.
    pub fn is_workspace_level(self) -> bool {
        matches!(
            self,
            Target::Thresholds
                | Target::Characteristic
                | Target::Dates
                | Target::Value
                | Target::Cost
                | Target::NewFrom
                | Target::ExportPath
        )
    }
}

impl Target {
    /// The part of a criterion this target is, if it is one.
    pub fn part(self) -> Option<Part> {
        Some(match self {
            Target::Condition(k) => Part::Condition(k),
            Target::Name(k) => Part::Name(k),
            Target::Edges => Part::Edges,
            Target::Values(k) => Part::Values(k),
            Target::Otherwise => Part::Otherwise,
            Target::CriterionName => Part::CriterionName,
            _ => return None,
        })
    }
}

/// The text a prompt starts with for a target (a setting of the screen starts empty).
pub fn initial_text(c: &Criterion, target: Target) -> String {
    target
        .part()
        .map(|p| crate::engine::rules::edit::initial_text(c, p))
        .unwrap_or_default()
}

/// The criterion as it would be with `text` in place of the target, or why not.
pub fn apply(
    c: &Criterion,
    target: Target,
    text: &str,
    fields: &[(String, DType)],
) -> Result<Criterion, EditError> {
    match target.part() {
        Some(p) => crate::engine::rules::edit::apply(c, p, text, fields),
        None => Err(EditError {
            message: "this criterion has nothing of that kind to edit".into(),
            pos: None,
        }),
    }
}

/// An open edit: the criterion's index, what is edited, the text, the cursor (in characters)
/// and the current verdict on the text.
#[derive(Debug, Clone, PartialEq)]
pub struct EditPrompt {
    pub criterion: usize,
    pub target: Target,
    pub text: String,
    pub cursor: usize,
    pub error: Option<EditError>,
    /// The target's text when the edit began, to notice a change made on disk meanwhile.
    pub base: String,
    /// The target's text on disk now, when someone changed it while this edit was open.
    pub conflict: Option<String>,
    /// The text it opened with is selected: typing replaces it, a move keeps it.
    pub selected: bool,
}

impl EditPrompt {
    /// What is typed, trimmed and in lower case; nothing while the pre-filled text is still
    /// selected (typing replaces it).
    pub fn typed(&self) -> String {
        if self.selected {
            String::new()
        } else {
            self.text.trim().to_lowercase()
        }
    }

    pub fn new(criterion: usize, target: Target, text: String) -> EditPrompt {
        let cursor = text.chars().count();
        let text_is_empty = text.is_empty();
        EditPrompt {
            criterion,
            target,
            base: text.clone(),
            text,
            cursor,
            error: None,
            conflict: None,
            selected: !text_is_empty,
        }
    }

    /// The selected text goes (typing or deleting over a selection); true when there was one.
    fn take_selection(&mut self) -> bool {
        let had = std::mem::take(&mut self.selected);
        if had {
            self.text.clear();
            self.cursor = 0;
        }
        had
    }

    pub fn insert(&mut self, c: char) {
        self.take_selection();
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.take_selection() {
            return;
        }
        if self.cursor > 0 {
            let at = self.byte_at(self.cursor - 1);
            self.text.remove(at);
            self.cursor -= 1;
        }
    }

    pub fn delete(&mut self) {
        if self.take_selection() {
            return;
        }
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    /// Ctrl-U: the text before the cursor goes (all of it when selected).
    pub fn clear_to_start(&mut self) {
        if self.take_selection() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.text.replace_range(..at, "");
        self.cursor = 0;
    }

    /// Ctrl-W: the word before the cursor goes, with the spaces after it (as in a shell).
    pub fn delete_word(&mut self) {
        if self.take_selection() {
            return;
        }
        let chars: Vec<char> = self.text.chars().collect();
        let mut from = self.cursor;
        while from > 0 && chars[from - 1].is_whitespace() {
            from -= 1;
        }
        while from > 0 && !chars[from - 1].is_whitespace() {
            from -= 1;
        }
        let (a, b) = (self.byte_at(from), self.byte_at(self.cursor));
        self.text.replace_range(a..b, "");
        self.cursor = from;
    }

    pub fn move_cursor(&mut self, to: isize) {
        self.selected = false;
        let n = self.text.chars().count() as isize;
        self.cursor = to.clamp(0, n) as usize;
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    /// What the prompt says it edits.
    pub fn label(&self, c: &Criterion) -> String {
        let seg = |k: usize| c.rule.labels().get(k).cloned().unwrap_or_default();
        match self.target {
            Target::Condition(k) => format!("condition of \"{}\"", seg(k)),
            Target::Name(k) => format!("new name for \"{}\"", seg(k)),
            Target::Edges => "cut points (increasing, comma-separated)".into(),
            Target::Values(k) => format!("values of group \"{}\" (comma-separated)", seg(k)),
            Target::Otherwise => "label for customers no rule matches".into(),
            Target::CriterionName => "new name for this criterion".into(),
            Target::Characteristic => "characteristic of the column (Tab lists them)".into(),
            Target::Dates => "transitions between two dates: from, to (YYYY-MM-DD)".into(),
            Target::Thresholds => {
                "worth a campaign from: % of customers, % of value (either is enough)".into()
            }
            Target::Value => "each customer's value (Tab completes; empty: revenue, else 1)".into(),
            Target::Cost => "each customer's cost to serve (Tab completes; empty: none)".into(),
            Target::ExportPath => "write the segment's customer ids to (.csv, .parquet, .json)".into(),
            Target::NewFrom => {
                "new criterion from a column or a numeric expression (Tab completes), rfm / lifecycle / at_risk in step 6; empty: a rule list".into()
            }
        }
    }
}
