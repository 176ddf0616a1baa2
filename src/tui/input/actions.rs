//! The one table of actions: each action's default keys, footer label, help and the screens it
//! works on. The keymap's defaults, the footer and `?` are all made from it.

use crate::engine::rules::Rule;
use crate::tui::input::message::Action::{self, *};
use crate::tui::state::app::App;
use crate::tui::steps::StepId;

/// One action as the user meets it.
pub struct Spec {
    pub action: Action,
    /// Default keys, as keymap files write them (`q`, `ctrl-r`, `pagedown`).
    pub keys: &'static [&'static str],
    /// Its label in the footer ("" keeps it out: its pair is shown, or it goes without saying).
    pub short: &'static str,
    /// One line for `?`.
    pub help: &'static str,
    /// The screens where it does something.
    pub on: fn(&App) -> bool,
}

fn always(_: &App) -> bool {
    true
}
fn list(a: &App) -> bool {
    a.nav.step == StepId::List
}
/// The data has bad values or rows a run would stop on.
fn unsettled(a: &App) -> bool {
    !a.model.unsettled().is_empty()
}
fn classify(a: &App) -> bool {
    a.nav.step == StepId::Classify
}
/// Purchase history with buyers (the models need orders).
fn purchase(a: &App) -> bool {
    a.nav.step == StepId::PurchaseHistory && a.model.fields.iter().any(|f| f.0 == "first_order")
}
fn valuation(a: &App) -> bool {
    a.nav.step == StepId::Valuation
}
fn wide_tables(a: &App) -> bool {
    matches!(a.nav.step, StepId::Exclusivity | StepId::Valuation) || criterion(a)
}
fn criteria_step(a: &App) -> bool {
    a.nav.step.criteria_step().is_some()
}
/// A criteria step with a criterion on screen.
fn criterion(a: &App) -> bool {
    criteria_step(a) && a.current_criterion().is_some()
}
fn bins(a: &App) -> bool {
    criteria_step(a)
        && a.current_criterion()
            .is_some_and(|i| matches!(a.model.criteria[i].criterion.rule, Rule::Bins { .. }))
}

macro_rules! spec {
    ($a:expr, [$($k:literal),*], $short:literal, $help:literal, $on:expr) => {
        Spec { action: $a, keys: &[$($k),*], short: $short, help: $help, on: $on }
    };
}

/// Every action, in the order the footer and `?` list them.
pub static ACTIONS: &[Spec] = &[
    spec!(Help, ["?"], "help", "every key of this screen", always),
    spec!(Quit, ["q", "ctrl-c"], "quit", "quit (all is saved)", always),
    spec!(
        Teach,
        ["t"],
        "teach",
        "teach text: why the step matters, what to look for",
        always
    ),
    spec!(
        SettleData,
        ["b"],
        "go on",
        "let runs go on with the data's bad values (as missing) and bad rows (left out): writes the files' options; u undoes",
        unsettled
    ),
    spec!(NextStep, ["n"], "next", "next step", always),
    spec!(PrevStep, ["p"], "prev", "previous step", always),
    spec!(
        Predict,
        ["P"],
        "predict",
        "predictive value: BG/NBD and Gamma-Gamma fitted, p_alive, the holdout check",
        purchase
    ),
    spec!(
        Left,
        ["left", "h"],
        "criterion",
        "previous criterion",
        |a| criteria_step(a) || wide_tables(a)
    ),
    spec!(
        Right,
        ["right", "l"],
        "",
        "next criterion",
        |a| criteria_step(a) || wide_tables(a)
    ),
    spec!(Up, ["up", "k"], "move", "move up", |a| list(a)
        || classify(a)
        || criterion(a)),
    spec!(Down, ["down", "j"], "", "move down", |a| list(a)
        || classify(a)
        || criterion(a)),
    spec!(PageUp, ["pageup"], "page", "page up", list),
    spec!(PageDown, ["pagedown"], "", "page down", list),
    spec!(Top, ["g", "home"], "ends", "first row", list),
    spec!(Bottom, ["G", "end"], "", "last row", list),
    spec!(Confirm, ["enter"], "open", "open", |a| list(a)
        || classify(a)
        || a.nav.step == StepId::Exclusivity),
    spec!(
        Edit,
        ["e"],
        "edit",
        "edit the rule: condition, cut points or values",
        |a| criterion(a) || classify(a) || valuation(a)
    ),
    spec!(AddRule, ["a"], "add", "add a rule or cut point", criterion),
    spec!(
        DeleteRule,
        ["d"],
        "del",
        "delete the rule or cut point",
        criterion
    ),
    spec!(Rename, ["r"], "rename", "rename the segment", criterion),
    spec!(
        Increase,
        ["+", "="],
        "nudge cut",
        "raise the selected cut point",
        bins
    ),
    spec!(Decrease, ["-"], "", "lower the selected cut point", bins),
    spec!(
        NextEdge,
        ["]"],
        "pick cut",
        "select the next cut point",
        bins
    ),
    spec!(PrevEdge, ["["], "", "select the previous cut point", bins),
    spec!(
        MoveRuleUp,
        ["K"],
        "",
        "move the rule up (the first true rule wins)",
        criterion
    ),
    spec!(MoveRuleDown, ["J"], "", "move the rule down", criterion),
    spec!(
        EditOtherwise,
        ["o"],
        "",
        "rename the otherwise segment",
        criterion
    ),
    spec!(
        NextPane,
        ["tab"],
        "pane",
        "rules ↔ segment table (in an edit: complete a name)",
        criterion
    ),
    spec!(
        NewCriterion,
        ["N"],
        "new",
        "new criterion: from a column, an expression or a preset",
        criteria_step
    ),
    spec!(
        RenameCriterion,
        ["R"],
        "",
        "rename this criterion",
        criterion
    ),
    spec!(
        DeleteCriterion,
        ["D"],
        "",
        "delete this criterion (press twice; u brings it back)",
        criterion
    ),
    spec!(Undo, ["u"], "undo", "undo the last edit", always),
    spec!(Redo, ["ctrl-r"], "redo", "redo", always),
    spec!(
        Search,
        ["/"],
        "find",
        "find customers by a part of the id (/ Enter: the next)",
        list
    ),
    spec!(Sort, ["s"], "sort", "sort", |a| list(a) || criterion(a)),
    spec!(
        Explain,
        ["x"],
        "explain",
        "explain the selected customer",
        list
    ),
    spec!(
        Copy,
        ["y"],
        "copy",
        "copy id(s) to the clipboard (OSC 52)",
        |a| list(a) || criterion(a)
    ),
    spec!(
        Export,
        ["w"],
        "write",
        "write the selected segment's customer ids to a file",
        criterion
    ),
    spec!(
        Frequency,
        ["f"],
        "frequency",
        "frequency table of the selected column (s sorts it)",
        classify
    ),
    spec!(
        CrossTab,
        ["c"],
        "cross-tab",
        "cross-tab with the next criterion",
        valuation
    ),
    spec!(
        Transitions,
        ["T"],
        "moves",
        "moves between two dates",
        valuation
    ),
    spec!(
        EditValue,
        ["v"],
        "value",
        "set each customer's value (a column or an expression)",
        |a| list(a) || classify(a) || valuation(a)
    ),
    spec!(
        EditCost,
        ["$"],
        "cost",
        "set each customer's cost to serve (an expression)",
        valuation
    ),
    spec!(
        ScrollLeft,
        ["<"],
        "scroll",
        "scroll the table left (when it says ‹ or ›)",
        wide_tables
    ),
    spec!(
        ScrollRight,
        [">"],
        "",
        "scroll the table right, to its hidden columns",
        wide_tables
    ),
    spec!(
        MaskPii,
        ["m"],
        "pii",
        "show / mask personal data",
        |a| list(a) || classify(a)
    ),
    // every step's digit (`step_keys`); `?` shows them as one line
    spec!(Step(0), [], "", "jump to a step", always),
    spec!(
        Palette,
        [":"],
        "",
        "command palette: a step or a command (Tab completes)",
        always
    ),
    spec!(Cancel, ["esc"], "", "close / cancel", always),
    spec!(
        Suspend,
        ["ctrl-z"],
        "",
        "suspend to the shell (fg resumes)",
        always
    ),
];

/// The table's entry for an action (one entry stands for every step's jump).
pub fn spec(a: Action) -> Option<&'static Spec> {
    let a = if matches!(a, Step(_)) { Step(0) } else { a };
    ACTIONS.iter().find(|s| s.action == a)
}

/// The jumps to the steps: digit `k` goes to the `k`th step of `StepId::ALL` (the first nine).
fn step_keys() -> impl Iterator<Item = (&'static str, Action)> {
    const DIGITS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    DIGITS
        .iter()
        .zip(0..StepId::ALL.len().min(DIGITS.len()) as u8)
        .map(|(k, i)| (*k, Step(i)))
}

/// The action a keymap file names: a row's name (`quit`, `next_step`), or `stepN` for the
/// `N`th step.
pub fn by_name(name: &str) -> Option<Action> {
    if let Some(n) = name.strip_prefix("step")
        && let Ok(n) = n.parse::<usize>()
    {
        return (1..=StepId::ALL.len())
            .contains(&n)
            .then(|| Step((n - 1) as u8));
    }
    serde::Deserialize::deserialize(
        serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name),
    )
    .ok()
    .filter(|a| !matches!(a, Step(_)))
}

/// Every default key binding, as `(key, action)`.
pub fn default_keys() -> impl Iterator<Item = (&'static str, Action)> {
    ACTIONS
        .iter()
        .flat_map(|s| s.keys.iter().map(move |k| (*k, s.action)))
        .chain(step_keys())
}

/// The actions that work on the screen `app` shows, in the table's order.
pub fn on_screen(app: &App) -> Vec<Action> {
    ACTIONS
        .iter()
        .filter(|s| (s.on)(app))
        .map(|s| s.action)
        .collect()
}

/// The help line of an action on a step: where a key means something else there, that meaning.
pub fn help_on(a: Action, on: StepId) -> &'static str {
    match (a, on) {
        (Edit, StepId::Classify) => "type the selected column's role",
        (Edit, StepId::Valuation) => "edit the worth-it minimums",
        (Confirm, StepId::Classify) => "save the suggested role",
        (Confirm, StepId::Exclusivity) => "open the criterion's rules",
        (Confirm, StepId::List) => "the selected customer's record: every field",
        (Sort, StepId::List) => "sort: value ↓, value ↑, customer id",
        (Sort, _) => "sort the segment table: value, customers, name",
        (Left, StepId::Exclusivity | StepId::Valuation) => "previous criterion",
        (Right, StepId::Exclusivity | StepId::Valuation) => "next criterion",
        _ => spec(a).map_or("", |s| s.help),
    }
}

/// The footer label of an action on a step.
pub fn short_on(a: Action, on: StepId) -> &'static str {
    match (a, on) {
        (Confirm, StepId::Classify) => "accept role",
        (Confirm, StepId::List) => "record",
        (Confirm, _) => "open rules",
        (Edit, StepId::Valuation) => "minimums",
        (Edit, StepId::Classify) => "role",
        _ => spec(a).map_or("", |s| s.short),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every action has one entry, keys that parse, and no key is bound twice.
    #[test]
    fn the_table_is_complete_and_keys_are_unique() {
        let mut seen = std::collections::HashMap::new();
        for s in ACTIONS {
            assert_eq!(
                ACTIONS.iter().filter(|x| x.action == s.action).count(),
                1,
                "{:?} twice",
                s.action
            );
            assert!(!s.help.is_empty(), "{:?} has no help", s.action);
            for k in s.keys {
                let key = crate::tui::input::keymap::parse_key(k).unwrap_or_else(|| panic!("{k}"));
                if let Some(other) = seen.insert(key, s.action) {
                    panic!("{k} is bound to {other:?} and {:?}", s.action);
                }
            }
        }
    }
}
