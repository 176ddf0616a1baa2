//! The search and command-palette prompts: what is typed, completion, and what Enter does.

use crate::tui::input::message::{Action, CursorMove, Message};
use crate::tui::state::app::{App, Prompt};
use crate::tui::state::effect::Effect;

/// Palette commands besides the steps' names and numbers.
const COMMANDS: [&str; 3] = ["help", "teach", "quit"];

/// Keys while the search or palette prompt is open.
pub fn prompt_key(app: &mut App, msg: &Message) -> Option<Vec<Effect>> {
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
            return Some(vec![]);
        }
        Message::Action(a @ (Action::Up | Action::Down)) => {
            // ↑ ↓ in the search prompt: the previous / next match, the prompt stays open
            if let Prompt::Search(q) = p {
                let q = q.trim().to_string();
                crate::tui::steps::list::search(app, &q, *a == Action::Up);
            }
            return Some(vec![]);
        }
        Message::Action(Action::Cancel) => app.edit.prompt = None,
        Message::Action(Action::Confirm) => {
            let p = app.edit.prompt.take().expect("open prompt");
            return Some(match p {
                Prompt::Search(q) => {
                    crate::tui::steps::list::search(app, q.trim(), false);
                    vec![]
                }
                Prompt::Palette(cmd) => palette(app, cmd.trim()),
                Prompt::Edit(_) => vec![],
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
    Some(vec![])
}

/// The step names and commands that start with what is typed, and the text completed as far
/// as they agree.
pub fn complete_command(typed: &str) -> (String, Vec<String>) {
    let t = typed.trim().to_lowercase();
    let all: Vec<String> = crate::tui::steps::STEPS
        .iter()
        .map(|s| s.title.to_lowercase())
        .chain(COMMANDS.iter().map(|c| c.to_string()))
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

/// `:` commands: a step number or name (or the start of one), `help`, `teach`, `quit`.
fn palette(app: &mut App, cmd: &str) -> Vec<Effect> {
    let lower = cmd.to_lowercase();
    if let Ok(n) = lower.parse::<usize>()
        && let Some(s) = crate::tui::steps::STEPS.get(n.wrapping_sub(1))
    {
        app.nav.step = s.id;
        return vec![];
    }
    match lower.as_str() {
        "q" | "quit" => app.quit = true,
        "help" => app.show_help = true,
        "teach" => app.prefs.show_teach = !app.prefs.show_teach,
        _ => match crate::tui::steps::STEPS
            .iter()
            .find(|s| s.title.to_lowercase().starts_with(&lower) && !lower.is_empty())
        {
            Some(s) => app.nav.step = s.id,
            None => {
                app.status = format!(
                    "unknown command \"{cmd}\": try a step name or number, help, teach, quit"
                )
            }
        },
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use crate::tui::update::palette::complete_command;

    #[test]
    fn the_palette_completes_steps_and_commands() {
        assert_eq!(complete_command("val").0, "valuation");
        let (done, all) = complete_command("p");
        assert_eq!(done, "p");
        assert_eq!(all, vec!["psychographic", "purchase history"]);
        assert_eq!(complete_command("pu").0, "purchase history");
        assert_eq!(complete_command("te").0, "teach");
        assert!(complete_command("zz").1.is_empty());
    }
}
