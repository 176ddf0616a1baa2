//! The keys of every screen as Markdown, made from the action table and each step's own keys:
//! docs/wizard.md carries it, and a test keeps the two the same.

use crate::tui::input::action::Action;
use crate::tui::input::actions::ACTIONS;
use crate::tui::input::keymap::Keymap;
use crate::tui::steps::keys::{COMMON, On, help_on};
use crate::tui::steps::{STEPS, StepSpec};

/// Where the reference starts and ends in docs/wizard.md.
pub const BEGIN: &str = "<!-- keys: made from the action table by `cargo test`; do not edit -->";
pub const END: &str = "<!-- end of keys -->";

/// The default keys of `a`, as the docs write them.
fn keys(km: &Keymap, a: Action) -> String {
    if let Action::GoTo(_) = a {
        let steps = crate::tui::steps::id::COUNT.min(9);
        return format!("`1` … `{steps}`");
    }
    km.keys_for(a)
        .iter()
        .map(|k| format!("`{}`", k.replace('|', "\\|")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One table: every action of `on` in the action table's order, with what `step` calls it.
fn table(km: &Keymap, on: &[&On], step: &StepSpec) -> String {
    let mut out = String::from("| key | does |\n|---|---|\n");
    for s in ACTIONS {
        if on.iter().any(|o| o.action == s.action) {
            let help = help_on(s.action, step.id).replace('|', "\\|");
            out.push_str(&format!("| {} | {help} |\n", keys(km, s.action)));
        }
    }
    out
}

/// The whole reference: the keys every screen has, then each step's own (steps whose keys are
/// the same share a table).
pub fn markdown() -> String {
    let km = Keymap::default();
    let mut out = format!("{BEGIN}\n\n#### Every step\n\n");
    let common: Vec<&On> = COMMON.iter().collect();
    out.push_str(&table(&km, &common, &STEPS[0]));
    let mut done: Vec<usize> = Vec::new();
    for (i, step) in STEPS.iter().enumerate() {
        if done.contains(&i) {
            continue;
        }
        let body = table(&km, &own_of(step), step);
        let same: Vec<usize> = (i..STEPS.len())
            .filter(|&j| table(&km, &own_of(&STEPS[j]), &STEPS[j]) == body)
            .collect();
        let names: Vec<String> = same
            .iter()
            .map(|&j| format!("{} {}", j + 1, STEPS[j].title))
            .collect();
        out.push_str(&format!("\n#### {}\n\n{body}", names.join(" · ")));
        done.extend(same);
    }
    out.push('\n');
    out.push_str(END);
    out
}

fn own_of(step: &StepSpec) -> Vec<&On> {
    step.keys.iter().flat_map(|l| l.iter()).collect()
}
