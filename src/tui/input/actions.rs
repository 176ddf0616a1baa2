//! The one table of actions: each action's default keys, footer label, help and the screens it
//! works on. The keymap's defaults, the footer and `?` are all made from it.

use crate::tui::input::action::Action::{self, *};
use crate::tui::steps::id::COUNT;

/// One action as the user meets it.
pub struct Spec {
    pub action: Action,
    /// Default keys, as keymap files write them (`q`, `ctrl-r`, `pagedown`).
    pub keys: &'static [&'static str],
    /// Its label in the footer ("" keeps it out: its pair is shown, or it goes without saying).
    pub short: &'static str,
    /// One line for `?`.
    pub help: &'static str,
}

macro_rules! spec {
    ($a:expr, [$($k:literal),*], $short:literal, $help:literal) => {
        Spec { action: $a, keys: &[$($k),*], short: $short, help: $help }
    };
}

/// Every action, in the order the footer and `?` list them.
pub static ACTIONS: &[Spec] = &[
    spec!(Help, ["?"], "help", "every key of this screen"),
    spec!(
        Quit,
        ["q", "ctrl-c"],
        "quit",
        "quit (a workspace is already saved; the demo keeps nothing)"
    ),
    spec!(
        Teach,
        ["t"],
        "teach",
        "teach text: why the step matters, what to look for"
    ),
    spec!(
        SettleData,
        ["b"],
        "go on",
        "let runs go on with the data's bad values (as missing) and bad rows (left out): writes the files' options; u undoes"
    ),
    spec!(
        Repull,
        ["ctrl-p"],
        "pull again",
        "pull the database tables again now (they are otherwise kept until the server says they changed)"
    ),
    spec!(NextStep, ["n"], "next", "next step"),
    spec!(PrevStep, ["p"], "prev", "previous step"),
    spec!(
        Predict,
        ["P"],
        "predict",
        "predictive value: BG/NBD and Gamma-Gamma fitted, p_alive, the holdout check"
    ),
    spec!(Left, ["left", "h"], "criterion", "previous criterion"),
    spec!(Right, ["right", "l"], "", "next criterion"),
    spec!(Up, ["up", "k"], "move", "move up"),
    spec!(Down, ["down", "j"], "", "move down"),
    spec!(PageUp, ["pageup"], "page", "page up"),
    spec!(PageDown, ["pagedown"], "", "page down"),
    spec!(Top, ["g", "home"], "ends", "first row"),
    spec!(Bottom, ["G", "end"], "", "last row"),
    spec!(Confirm, ["enter"], "open", "open"),
    spec!(
        Edit,
        ["e"],
        "edit",
        "edit the rule: condition, cut points or values"
    ),
    spec!(AddRule, ["a"], "add", "add a rule or cut point"),
    spec!(DeleteRule, ["d"], "del", "delete the rule or cut point"),
    spec!(Rename, ["r"], "rename", "rename the segment"),
    spec!(
        Increase,
        ["+", "="],
        "nudge cut",
        "raise the selected cut point"
    ),
    spec!(Decrease, ["-"], "", "lower the selected cut point"),
    spec!(NextEdge, ["]"], "pick cut", "select the next cut point"),
    spec!(PrevEdge, ["["], "", "select the previous cut point"),
    spec!(
        MoveRuleUp,
        ["K"],
        "",
        "move the rule up (the first true rule wins)"
    ),
    spec!(MoveRuleDown, ["J"], "", "move the rule down"),
    spec!(EditOtherwise, ["o"], "", "rename the otherwise segment"),
    spec!(
        NextPane,
        ["tab"],
        "pane",
        "rules ↔ segment table (in an edit: complete a name)"
    ),
    spec!(
        NewCriterion,
        ["N"],
        "new",
        "new criterion: from a column, an expression or a preset"
    ),
    spec!(RenameCriterion, ["R"], "", "rename this criterion"),
    spec!(
        DeleteCriterion,
        ["D"],
        "",
        "delete this criterion (press twice; u brings it back)"
    ),
    spec!(Undo, ["u"], "undo", "undo the last edit"),
    spec!(Redo, ["ctrl-r"], "redo", "redo"),
    spec!(
        Search,
        ["/"],
        "find",
        "find customers by a part of the id (/ Enter: the next)"
    ),
    spec!(Sort, ["s"], "sort", "sort"),
    spec!(Explain, ["x"], "explain", "explain the selected customer"),
    spec!(Copy, ["y"], "copy", "copy id(s) to the clipboard (OSC 52)"),
    spec!(
        Export,
        ["w"],
        "write",
        "write the selected segment's customer ids to a file"
    ),
    spec!(
        Frequency,
        ["f"],
        "frequency",
        "frequency table of the selected column (s sorts it)"
    ),
    spec!(
        CrossTab,
        ["c"],
        "cross-tab",
        "cross-tab with the next criterion"
    ),
    spec!(Transitions, ["T"], "moves", "moves between two dates"),
    spec!(
        EditValue,
        ["v"],
        "value",
        "set each customer's value (a column or an expression)"
    ),
    spec!(
        EditCost,
        ["$"],
        "cost",
        "set each customer's cost to serve (an expression)"
    ),
    spec!(
        ScrollLeft,
        ["<"],
        "scroll",
        "scroll the table left (when it says ‹ or ›)"
    ),
    spec!(
        ScrollRight,
        [">"],
        "",
        "scroll the table right, to its hidden columns"
    ),
    spec!(MaskPii, ["m"], "pii", "show / mask personal data"),
    spec!(
        ConfirmAll,
        ["A"],
        "all",
        "confirm every suggested characteristic still waiting"
    ),
    // every step's digit (`step_keys`); `?` shows them as one line
    spec!(GoTo(0), [], "", "jump to a step"),
    spec!(
        Palette,
        [":"],
        "",
        "command palette: a step or a command (Tab completes)"
    ),
    spec!(Cancel, ["esc"], "", "close / cancel"),
    spec!(Suspend, ["ctrl-z"], "", "suspend to the shell (fg resumes)"),
];

/// The table's entry for an action (one entry stands for every step's jump).
pub fn spec(a: Action) -> Option<&'static Spec> {
    let a = if matches!(a, GoTo(_)) { GoTo(0) } else { a };
    ACTIONS.iter().find(|s| s.action == a)
}

/// The jumps to the steps: digit `k` goes to the `k`th step of `StepId::ALL` (the first nine).
fn step_keys() -> impl Iterator<Item = (&'static str, Action)> {
    const DIGITS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    DIGITS
        .iter()
        .zip(0..COUNT.min(DIGITS.len()) as u8)
        .map(|(k, i)| (*k, GoTo(i)))
}

/// The action a keymap file names: a row's name (`quit`, `next_step`), or `stepN` for the
/// `N`th step.
pub fn by_name(name: &str) -> Option<Action> {
    if let Some(n) = name.strip_prefix("step")
        && let Ok(n) = n.parse::<usize>()
    {
        return (1..=COUNT).contains(&n).then(|| GoTo((n - 1) as u8));
    }
    serde::Deserialize::deserialize(
        serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name),
    )
    .ok()
    .filter(|a| !matches!(a, GoTo(_)))
}

/// Every default key binding, as `(key, action)`.
pub fn default_keys() -> impl Iterator<Item = (&'static str, Action)> {
    ACTIONS
        .iter()
        .flat_map(|s| s.keys.iter().map(move |k| (*k, s.action)))
        .chain(step_keys())
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
