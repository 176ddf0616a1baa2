//! The search and command-palette prompts: what is typed, completion, and what Enter does.

use crate::tui::input::message::{Action, CursorMove, Message};
use crate::tui::state::app::{App, Prompt};
use crate::tui::state::effect::Effect;

/// Every action of the table by its name in words (`new criterion`), as the palette knows it.
fn commands() -> Vec<(String, Action)> {
    crate::tui::input::actions::ACTIONS
        .iter()
        .filter_map(|s| Some((s.action.name()?.replace('_', " "), s.action)))
        .collect()
}

/// What a key in the search or palette prompt comes to: its effects, or an action to run as its
/// key would (`update` runs it: the palette does not call back into it).
pub enum Typed {
    Done(Vec<Effect>),
    Run(Action),
}

/// Keys while the search or palette prompt is open.
pub fn prompt_key(app: &mut App, msg: &Message) -> Option<Typed> {
    let p = app.edit.prompt.as_mut()?;
    let text = match p {
        Prompt::Search(s) | Prompt::Palette(s) => s,
        Prompt::Edit(_) => return None,
    };
    match msg {
        Message::Char(c) => text.push(*c),
        Message::Backspace => {
            text.pop();
        }
        Message::Cursor(CursorMove::ClearToStart) => text.clear(),
        Message::Cursor(CursorMove::DeleteWord) => {
            let kept = text
                .trim_end()
                .trim_end_matches(|c: char| !c.is_whitespace());
            text.truncate(kept.len());
        }
        Message::Cursor(_) => {}
        Message::Action(Action::NextPane) => {
            if let Prompt::Palette(s) = p {
                let (done, all) = complete_command(s);
                *s = done;
                app.status = if all.len() > 1 {
                    all.join(" · ")
                } else {
                    String::new()
                };
            }
            return Some(Typed::Done(vec![]));
        }
        Message::Action(a @ (Action::Up | Action::Down)) => {
            // ↑ ↓ in the search prompt: the previous / next match, the prompt stays open
            if let Prompt::Search(q) = p {
                let q = q.trim().to_string();
                crate::tui::steps::list::search(app, &q, *a == Action::Up);
            }
            return Some(Typed::Done(vec![]));
        }
        Message::Action(Action::Cancel) => app.edit.prompt = None,
        Message::Action(Action::Confirm) => {
            let p = app.edit.prompt.take().expect("open prompt");
            return Some(match p {
                Prompt::Search(q) => {
                    crate::tui::steps::list::search(app, q.trim(), false);
                    Typed::Done(vec![])
                }
                Prompt::Palette(cmd) => palette(app, cmd.trim()),
                Prompt::Edit(_) => Typed::Done(vec![]),
            });
        }
        _ => return None,
    }
    // as the palette is typed, say what it would do
    if let Some(Prompt::Palette(s)) = &app.edit.prompt {
        let (_, all) = complete_command(s);
        app.status = match all.len() {
            0 if !s.is_empty() => "no such step or command".into(),
            0 => String::new(),
            _ => format!("{} (Tab completes)", all.join(" · ")),
        };
    }
    Some(Typed::Done(vec![]))
}

/// The step names and commands that start with what is typed, and the text completed as far
/// as they agree.
pub fn complete_command(typed: &str) -> (String, Vec<String>) {
    let t = typed.trim().to_lowercase();
    let all: Vec<String> = crate::tui::steps::STEPS
        .iter()
        .map(|s| s.title.to_lowercase())
        .chain(commands().into_iter().map(|c| c.0))
        .filter(|c| c.starts_with(&t))
        .collect();
    let Some(common) = crate::tui::update::authoring::common_start(&all) else {
        return (typed.to_string(), all);
    };
    let done = if all.len() == 1 {
        all[0].clone()
    } else {
        common
    };
    (
        if done.len() >= t.len() {
            done
        } else {
            typed.to_string()
        },
        all,
    )
}

/// `:` commands: a step number or name (or the start of one), or any action by its name
/// (`export`, `new criterion`, `help`; the start of one when only one starts so), done as its
/// key would.
fn palette(app: &mut App, cmd: &str) -> Typed {
    let lower = cmd.trim().to_lowercase().replace('_', " ");
    if let Ok(n) = lower.parse::<usize>()
        && let Some(s) = crate::tui::steps::STEPS.get(n.wrapping_sub(1))
    {
        app.nav.step = s.id;
        return Typed::Done(vec![]);
    }
    let commands = commands();
    if let Some((_, a)) = commands.iter().find(|(w, _)| *w == lower) {
        return Typed::Run(*a);
    }
    if lower == "q" {
        app.quit = true;
        return Typed::Done(vec![]);
    }
    if let Some(s) = crate::tui::steps::STEPS
        .iter()
        .find(|s| s.title.to_lowercase().starts_with(&lower) && !lower.is_empty())
    {
        app.nav.step = s.id;
        return Typed::Done(vec![]);
    }
    let starting: Vec<&(String, Action)> = commands
        .iter()
        .filter(|(w, _)| !lower.is_empty() && w.starts_with(&lower))
        .collect();
    match starting[..] {
        [(_, a)] => Typed::Run(*a),
        [] => {
            app.status = format!(
                "unknown command \"{cmd}\": try a step name or number, or an action (Tab lists them)"
            );
            Typed::Done(vec![])
        }
        _ => {
            let names: Vec<&str> = starting.iter().map(|c| c.0.as_str()).collect();
            app.status = format!("\"{cmd}\" could be {}", names.join(", "));
            Typed::Done(vec![])
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::tui::update::palette::complete_command;

    #[test]
    fn the_palette_completes_steps_and_commands() {
        assert_eq!(complete_command("val").0, "valuation");
        let (done, all) = complete_command("p");
        assert_eq!(done, "p");
        assert_eq!(all[..2], ["psychographic", "purchase history"]);
        assert!(all.contains(&"predict".to_string()), "{all:?}");
        assert_eq!(complete_command("pu").0, "purchase history");
        assert_eq!(complete_command("te").0, "teach");
        assert!(complete_command("zz").1.is_empty());
        // every action of the table, by its name in words
        assert_eq!(complete_command("exp").0, "exp");
        assert_eq!(complete_command("expo").0, "export");
        assert_eq!(complete_command("new c").0, "new criterion");
        for s in crate::tui::input::actions::ACTIONS {
            if let Some(name) = s.action.name() {
                let words = name.replace('_', " ");
                assert!(complete_command(&words).1.contains(&words), "{words}");
            }
        }
    }
}
