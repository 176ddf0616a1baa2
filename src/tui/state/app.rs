//! The app's state: what every view reads, built from an evaluated session.

pub use crate::tui::state::editing::Prompt;
pub use crate::tui::state::nav::{Nav, Pane, Place};
use std::path::PathBuf;

use crate::engine::rules::{Criterion, Step};
use crate::tui::state::editing::Change;
use crate::tui::state::effect::{Effect, FileEdit, Job};

use crate::tui::input::keymap::Keymap;
pub use crate::tui::state::editing::Editing;
pub use crate::tui::state::model::{Evaluated, Model};
use crate::tui::state::nav::StepId;
pub use crate::tui::state::ranking::{ListSort, Ranking, SegmentSort};
pub use crate::tui::state::screens::Screens;
pub use crate::tui::state::views::{CriterionView, Distribution, HistogramCache, TransitionView};

/// From this width the teach text is a side panel; below it, a strip under the view that `t`
/// opens into a scrollable page.
pub const TEACH_SIDE_MIN_W: u16 = 110;

/// Columns of the valuation table and of a criteria step's segment table (with their first),
/// so that `>` scrolls no further than they go; the views check that they draw as many.
pub const VALUATION_COLUMNS: usize = 10;
pub const SEGMENT_COLUMNS: usize = 7;

/// What a masked personal value shows.
pub const MASK: &str = "•••";

/// A page the engine filled, shown over the view until Esc or another step: one at a time.
#[derive(Debug, Clone)]
pub enum Page {
    /// `x`: a customer's rules as tried.
    Explain(crate::engine::eval::explain::Explanation),
    /// Enter on the List: one customer's id and every field.
    Record(String, Vec<(String, String)>),
    /// `f` in Classify: a column, its values, and their order.
    Frequency(
        String,
        Vec<crate::engine::eval::frequency::Frequency>,
        SegmentSort,
    ),
    /// `P` in Purchase history: the predictive-value models (drawn from the model's `clv`).
    Predictive,
}

/// The user's preferences for the session: they survive the data being read again.
#[derive(Debug, Clone, Default)]
pub struct Prefs {
    pub keymap: Keymap,
    /// The teach text beside or under the view.
    pub show_teach: bool,
    /// Personal data shown as •••.
    pub mask_pii: bool,
}

/// The whole state of the app.
#[derive(Clone)]
pub struct App {
    /// Where the user is: the step, the selections, the scrolling, the terminal size.
    pub nav: Nav,
    pub prefs: Prefs,
    pub show_help: bool,
    /// The teach text as a scrollable page over the view (narrow terminals), and how far down.
    pub teach_overlay: bool,
    pub status: String,
    /// The data being read again (roles changed): how far it has got; Esc cancels.
    pub loading: Option<crate::engine::data::progress::Snapshot>,
    pub quit: bool,
    /// Title: the workspace file, or "built-in demo".
    pub title: String,
    /// The time (seconds since 1970) ages are counted to: set by the loop before each frame,
    /// so that views only read it.
    pub now: u64,
    /// Where edits are saved (None for the built-in demo: edits live in memory).
    pub workspace: Option<PathBuf>,
    /// What the engine evaluated: customers, profiles, criteria, scores, valuation.
    pub model: Model,
    /// What the user is typing or has just done: the prompt, the edit history, a proposal.
    pub edit: Editing,
    /// Newest job per criterion; results of older jobs are dropped.
    pub generation: Vec<u64>,
    pub next_generation: u64,
    /// The page over the view from the engine (explain, record, frequencies), if one is open.
    pub page: Option<Page>,
    /// What each step keeps of its own: sort orders, the cross-tab, the moves shown.
    pub screens: Screens,
    /// What the recovery file holds now (None: no file).
    pub recovery_written: Option<crate::tui::state::editing::Unfinished>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "App({}, step {:?})", self.title, self.nav.step)
    }
}

impl App {
    /// Replace criterion `i` in the state and ask for its recomputation and saving.
    pub fn change(&mut self, i: usize, c: Criterion) -> Vec<Effect> {
        self.model.rules.criteria[i].criterion = c.clone();
        self.next_generation += 1;
        self.generation[i] = self.next_generation;
        self.status.clear();
        vec![
            Effect::Engine(Job::Recompute {
                index: i,
                generation: self.next_generation,
                criterion: c.clone(),
            }),
            Effect::Write {
                edit: FileEdit::Rule(Box::new(c)),
                then: None,
                undo: None,
            },
        ]
    }

    /// The same, undoable: the criterion as it was goes to the history.
    pub fn commit(&mut self, i: usize, c: Criterion) -> Vec<Effect> {
        let old = self.model.rules.criteria[i].criterion.clone();
        self.edit.remember(Change::SetRule(old));
        self.change(i, c)
    }

    /// Where the user is now.
    pub fn place(&self) -> Place {
        Place {
            step: self.nav.step,
            row: self.nav.row,
            width: self.nav.width,
            height: self.nav.height,
        }
    }

    /// Go back to where the user was (the row kept within what there is now).
    pub fn restore_place(&mut self, p: Place) {
        self.nav.step = p.step;
        self.nav.width = p.width;
        self.nav.height = p.height;
        self.nav.row = p.row.min(
            self.model
                .data
                .profiles
                .len()
                .max(self.model.data.n_customers)
                .saturating_sub(1),
        );
    }

    pub fn new(model: Model, workspace: Option<PathBuf>, title: String) -> App {
        App {
            nav: Nav::default(),
            prefs: Prefs {
                keymap: Keymap::default(),
                show_teach: workspace.is_none(),
                mask_pii: true,
            },
            show_help: false,
            teach_overlay: false,
            status: String::new(),
            loading: None,
            quit: false,
            title,
            now: 0,
            workspace,
            generation: vec![0; model.rules.criteria.len()],
            model,
            edit: Editing::default(),
            next_generation: 1,
            page: None,
            recovery_written: None,
            screens: Screens::default(),
        }
    }

    /// Take a model evaluated from the data read again: what was computed from the old one
    /// (pages, models, edit history, jobs in flight) goes; where the user is and how the
    /// lists are sorted stay.
    pub fn take_model(&mut self, model: Model) {
        let place = self.place();
        self.next_generation += 1;
        self.generation = vec![self.next_generation; model.rules.criteria.len()];
        self.model = model;
        // the edit history and anything half done referred to the old model; the search stays
        self.edit = Editing {
            last_search: std::mem::take(&mut self.edit.last_search),
            ..Editing::default()
        };
        self.page = None;
        self.screens.valuation.transitions = None;
        self.screens.valuation.crosstab = None;
        self.loading = None;
        self.restore_place(place);
    }

    /// Compute the cross-tab of the selected criterion with criterion `other` (O(customers),
    /// done once per change, never per frame).
    pub fn refresh_crosstab(&mut self) {
        let Some((other, _)) = &self.screens.valuation.crosstab else {
            return;
        };
        let other = *other;
        match self.current_criterion() {
            Some(a) if other < self.model.rules.criteria.len() && a != other => {
                let t = crate::engine::eval::valuation::crosstab(
                    &self.model.rules.criteria[a].result.assignment,
                    &self.model.rules.criteria[other].result.assignment,
                    &self.model.rules.ranking.value,
                );
                self.screens.valuation.crosstab = Some((other, t));
            }
            _ => self.screens.valuation.crosstab = None,
        }
    }

    /// Take rules rebuilt by the engine: every criterion, scores, valuation, ranking.
    pub fn take_rules(&mut self, r: Evaluated) {
        let old_names: Vec<String> = self
            .model
            .rules
            .criteria
            .iter()
            .map(|c| c.criterion.name.value.clone())
            .collect();
        self.next_generation += 1;
        self.generation = vec![self.next_generation; r.criteria.len()];
        self.model.rules = r;
        if self.model.rules.clv.is_none() && matches!(self.page, Some(Page::Predictive)) {
            self.page = None;
        }
        self.edit.pending_delete = None;
        self.follow_edit(&old_names);
        if let Some(name) = self.edit.focus.take()
            && let Some(i) = self.criterion_index(&name)
        {
            // selected on its own step's screen (the user may have moved on meanwhile)
            let step = self.model.rules.criteria[i].criterion.step;
            let screen = Some(StepId::of_criteria(step));
            if let (Some(k), Some(s)) =
                (self.criteria_of(step).iter().position(|&x| x == i), screen)
            {
                self.nav.selected[s.index()] = k;
            }
        }
        let n = self
            .nav
            .step
            .criteria_step()
            .map_or(self.model.rules.criteria.len(), |st| {
                self.criteria_of(st).len()
            });
        let sel = &mut self.nav.selected[self.nav.step.index()];
        *sel = (*sel).min(n.saturating_sub(1));
        self.nav.rule = 0;
        self.nav.edge = 0;
        self.refresh_crosstab();
    }

    /// An edit being typed stays open when its criterion is still there (it may have moved,
    /// `old_names` being the criteria before the reload); a rule changed on disk meanwhile is
    /// said, and an edit of a criterion that is gone is dropped.
    fn follow_edit(&mut self, old_names: &[String]) {
        // an edit being typed stays open when its criterion is still there (it may have moved)
        let editing = match &self.edit.prompt {
            Some(Prompt::Edit(p)) => Some((p.criterion, p.target)),
            _ => None,
        };
        if let Some((old_index, target)) = editing {
            let name = old_names.get(old_index).cloned();
            let now = name.and_then(|n| self.criterion_index(&n));
            match (now, &mut self.edit.prompt) {
                (Some(i), Some(Prompt::Edit(p))) => {
                    p.criterion = i;
                    // the same rule changed on disk: ask, never overwrite it silently
                    let rule_text = !target.is_workspace_level();
                    let disk = crate::tui::state::prompt::initial_text(
                        &self.model.rules.criteria[i].criterion,
                        target,
                    );
                    if rule_text && disk != p.base {
                        self.status = "this rule was changed on disk while you were editing it: \
                                   Enter saves your text over it, Esc keeps the file's"
                            .into();
                        p.conflict = Some(disk);
                    }
                }
                _ if target.is_workspace_level() => {}
                _ => {
                    self.edit.prompt = None;
                    self.status = "the criterion being edited is gone from the workspace; the edit was dropped".into();
                }
            }
        }
    }

    /// The rows of criterion `i`'s segment table, in the order shown (indices into its valuation).
    pub fn segment_order(&self, i: usize) -> Vec<usize> {
        self.segment_order_by(i, self.screens.criteria.sort)
    }

    /// The segments of criterion `i` in the order `sort` gives (indices into its valuation).
    pub fn segment_order_by(&self, i: usize, sort: SegmentSort) -> Vec<usize> {
        let v = &self.model.rules.criteria[i].result.valuation;
        let mut order: Vec<usize> = (0..v.len()).collect();
        match sort {
            SegmentSort::Value => {}
            SegmentSort::Customers => {
                order.sort_by(|&a, &b| v[b].customers.cmp(&v[a].customers).then(a.cmp(&b)))
            }
            SegmentSort::Name => order.sort_by(|&a, &b| v[a].name.cmp(&v[b].name)),
        }
        order
    }

    /// The segment selected in the segment table of criterion `i` (an index into its valuation).
    pub fn selected_segment(&self, i: usize) -> Option<usize> {
        self.segment_order(i).get(self.nav.seg_row).copied()
    }

    /// The open explanation, if any.
    pub fn explain(&self) -> Option<&crate::engine::eval::explain::Explanation> {
        match &self.page {
            Some(Page::Explain(e)) => Some(e),
            _ => None,
        }
    }

    /// The open record view: the customer's id and every field.
    pub fn record(&self) -> Option<(&String, &Vec<(String, String)>)> {
        match &self.page {
            Some(Page::Record(id, fields)) => Some((id, fields)),
            _ => None,
        }
    }

    /// The open frequency table: the column, its values and their order.
    pub fn frequency(
        &self,
    ) -> Option<(
        &String,
        &Vec<crate::engine::eval::frequency::Frequency>,
        SegmentSort,
    )> {
        match &self.page {
            Some(Page::Frequency(c, rows, sort)) => Some((c, rows, *sort)),
            _ => None,
        }
    }

    /// The names of all criteria, in workspace order.
    pub fn criterion_names(&self) -> Vec<String> {
        self.model
            .rules
            .criteria
            .iter()
            .map(|c| c.criterion.name.value.clone())
            .collect()
    }

    /// Whether a column holds personal data: marked `pii` in the workspace, confirmed or
    /// suggested as such.
    pub fn is_pii(&self, column: &str) -> bool {
        self.model
            .data
            .roles
            .iter()
            .any(|(k, c)| k == "pii" && c == column)
            || self
                .model
                .data
                .suggestions
                .iter()
                .any(|s| s.column == column && s.role == crate::engine::data::roles::Role::Pii)
            || self.model.data.characteristics.iter().any(|(c, k)| {
                c.value == column
                    && *k == crate::engine::rules::characteristics::Characteristic::PersonalData
            })
    }

    /// A value of `column` as the screen may show it: masked when the column is personal data
    /// and masking is on, else made safe for the terminal.
    pub fn shown(&self, column: &str, value: &str) -> String {
        if self.prefs.mask_pii && self.is_pii(column) {
            MASK.to_string()
        } else {
            crate::engine::format::visible(value)
        }
    }

    /// The index of the criterion called `name`, if there is one.
    pub fn criterion_index(&self, name: &str) -> Option<usize> {
        self.model
            .rules
            .criteria
            .iter()
            .position(|c| c.criterion.name.value == name)
    }

    /// Indices of the criteria of a step, in workspace order.
    pub fn criteria_of(&self, step: Step) -> Vec<usize> {
        self.model
            .rules
            .criteria
            .iter()
            .enumerate()
            .filter(|(_, c)| c.criterion.step == step)
            .map(|(i, _)| i)
            .collect()
    }

    /// The criterion selected on the current screen (criteria steps, exclusivity and valuation).
    pub fn current_criterion(&self) -> Option<usize> {
        match self.nav.step.criteria_step() {
            Some(st) => self
                .criteria_of(st)
                .get(self.nav.selected[self.nav.step.index()])
                .copied(),
            None if self.nav.step.shows_all_criteria() => (!self.model.rules.criteria.is_empty())
                .then(|| {
                    self.nav.selected[self.nav.step.index()]
                        .min(self.model.rules.criteria.len() - 1)
                }),
            None => None,
        }
    }
}
