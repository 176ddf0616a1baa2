//! Authoring in the wizard without the TOML file: value and cost per customer, criteria made
//! from a column, and completion of field and function names as you type.

use crate::engine::eval::frame::DType;
use crate::engine::rules::condition::parse_condition;
use crate::tui::state::app::App;
use crate::tui::state::effect::Job;
use crate::tui::state::prompt::EditError;

/// The functions a condition may call, for completion.
const FUNCTIONS: [&str; 10] = [
    "lower", "upper", "length", "trim", "abs", "round", "coalesce", "year", "month", "day",
];

fn problem(e: crate::engine::rules::condition::ConditionError) -> EditError {
    EditError {
        message: match e.hint {
            Some(h) => format!("{} ({h})", e.message),
            None => e.message,
        },
        pos: e.pos,
    }
}

/// A value or cost as typed: empty means the default; otherwise a numeric expression over the
/// fields, checked like a condition.
pub fn parse_measure(text: &str, fields: &[(String, DType)]) -> Result<Option<String>, EditError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
    let schema = |n: &str| fields.iter().find(|f| f.0 == n).map(|f| f.1);
    let (_, ty) = parse_condition(t)
        .and_then(|e| crate::engine::eval::compile::compile(&e, &schema, &names))
        .map_err(problem)?;
    match ty {
        Some(DType::Int | DType::Float) => Ok(Some(t.to_string())),
        Some(other) => Err(EditError {
            message: format!("this is {}, not a number", other.name()),
            pos: Some(1),
        }),
        None => Err(EditError {
            message: "NULL is not a value".into(),
            pos: Some(1),
        }),
    }
}

/// What a new criterion is made from: empty (a rule list), a field's name, or a numeric
/// expression (an age from a birth year: `2014 - Year_Birth`).
pub fn check_column(text: &str, fields: &[(String, DType)]) -> Result<Option<String>, EditError> {
    let t = text.trim().trim_matches('"');
    if t.is_empty() {
        return Ok(None);
    }
    if !t
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == ' ')
    {
        return parse_measure(text, fields);
    }
    match fields
        .iter()
        .find(|f| f.0 == t || f.0.eq_ignore_ascii_case(t))
    {
        Some((name, DType::Date)) => Err(EditError {
            message: format!(
                "{name} holds dates: make a rule list (empty) and compare year({name})"
            ),
            pos: None,
        }),
        Some((name, _)) => Ok(Some(name.clone())),
        None => Err(EditError {
            message: match crate::engine::error::did_you_mean(
                t,
                fields.iter().map(|f| f.0.as_str()),
            ) {
                Some(m) => format!("no column \"{t}\" (did you mean \"{m}\"?)"),
                None => format!("no column \"{t}\""),
            },
            pos: Some(1),
        }),
    }
}

/// Where the name being typed before `cursor` starts, in characters (letters, digits, `_`).
pub fn word_start(chars: &[char], cursor: usize) -> usize {
    (0..cursor.min(chars.len()))
        .rev()
        .take_while(|&i| chars[i].is_alphanumeric() || chars[i] == '_')
        .last()
        .unwrap_or(cursor.min(chars.len()))
}

/// The longest start every candidate shares (letters compared without case), or None when
/// there is no candidate.
pub fn common_start(candidates: &[String]) -> Option<String> {
    let first = candidates.first()?;
    Some(candidates.iter().fold(first.clone(), |acc, c| {
        acc.chars()
            .zip(c.chars())
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .map(|(a, _)| a)
            .collect()
    }))
}

/// Complete the name before the cursor from the fields and functions. Returns the new text and
/// cursor, and the candidates when more than one remain.
pub fn complete(
    text: &str,
    cursor: usize,
    fields: &[(String, DType)],
) -> (String, usize, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let cursor = cursor.min(chars.len());
    let start = word_start(&chars, cursor);
    let word: String = chars[start..cursor].iter().collect();
    let lw = word.to_lowercase();
    let mut found: Vec<String> = fields
        .iter()
        .map(|f| f.0.clone())
        .chain(FUNCTIONS.iter().map(|f| format!("{f}(")))
        .filter(|c| c.to_lowercase().starts_with(&lw))
        .collect();
    found.sort();
    found.dedup();
    let Some(common) = common_start(&found) else {
        return (text.to_string(), cursor, vec![]);
    };
    let fill = if found.len() == 1 { &found[0] } else { &common };
    if fill.chars().count() < word.chars().count() {
        return (text.to_string(), cursor, found);
    }
    let before: String = chars[..start].iter().collect();
    let after: String = chars[cursor..].iter().collect();
    let out = format!("{before}{fill}{after}");
    let at = start + fill.chars().count();
    (out, at, if found.len() > 1 { found } else { vec![] })
}

/// The presets `N` offers on this screen: those of Purchase history, when there are buyers.
pub fn presets_here(app: &App) -> Vec<&'static str> {
    let buyers = app.model.rules.fields.iter().any(|f| f.0 == "r_score");
    let purchase =
        app.nav.step.criteria_step() == Some(crate::engine::rules::Step::PurchaseHistory);
    if purchase && buyers {
        crate::engine::rules::presets::PRESETS
            .iter()
            .map(|p| p.0)
            .collect()
    } else {
        vec![]
    }
}

/// Where an export goes: relative paths beside the workspace (the working folder for the
/// demo); a known extension; never one of the workspace's own files.
pub fn check_export_path(app: &App, text: &str) -> Result<std::path::PathBuf, EditError> {
    let t = text.trim();
    let ext = std::path::Path::new(t)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase());
    if !matches!(ext.as_deref(), Some("csv" | "parquet" | "json")) {
        return Err(EditError {
            message: "end the name with .csv, .parquet or .json".into(),
            pos: Some(t.chars().count().max(1)),
        });
    }
    let base = app
        .workspace
        .as_ref()
        .and_then(|w| w.parent().map(|p| p.to_path_buf()))
        .unwrap_or_default();
    let path = base.join(t);
    if app.workspace.as_deref() == Some(path.as_path()) {
        return Err(EditError {
            message: "that is the workspace itself".into(),
            pos: Some(1),
        });
    }
    Ok(path)
}

/// Write the selected segment's customer ids (as `strata export` does) on the worker.
pub fn export(app: &mut App, path: std::path::PathBuf) -> Vec<crate::tui::state::effect::Effect> {
    let Some((criterion, segment)) = crate::tui::steps::shared::selected_segment(app) else {
        return vec![];
    };
    app.status = format!("writing {}…", path.display());
    vec![crate::tui::state::effect::Effect::Engine(Job::Export {
        criterion,
        segment,
        path,
    })]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<(String, DType)> {
        vec![
            ("MntWines".into(), DType::Int),
            ("MntFruits".into(), DType::Int),
            ("Education".into(), DType::Text),
            ("r_score".into(), DType::Int),
            ("Dt_Customer".into(), DType::Date),
        ]
    }

    #[test]
    fn measures_are_numeric_expressions_or_the_default() {
        let f = fields();
        assert_eq!(parse_measure("  ", &f), Ok(None));
        assert_eq!(
            parse_measure("MntWines + MntFruits", &f),
            Ok(Some("MntWines + MntFruits".into()))
        );
        let e = parse_measure("Education", &f).unwrap_err();
        assert!(e.message.contains("not a number"), "{e:?}");
        let e = parse_measure("MntWine * 2", &f).unwrap_err();
        assert_eq!(e.pos, Some(1));
        assert!(e.message.contains("MntWines"), "{e:?}");
    }

    #[test]
    fn columns_are_found_with_a_hint() {
        let f = fields();
        assert_eq!(check_column("education", &f), Ok(Some("Education".into())));
        assert_eq!(check_column("", &f), Ok(None));
        assert!(
            check_column("Educaton", &f)
                .unwrap_err()
                .message
                .contains("did you mean")
        );
        assert!(
            check_column("Dt_Customer", &f)
                .unwrap_err()
                .message
                .contains("dates")
        );
        assert_eq!(
            check_column("2014 - MntWines", &f),
            Ok(Some("2014 - MntWines".into()))
        );
        assert!(check_column("2014 - Education", &f).is_err());
    }

    #[test]
    fn tab_completes_names_and_lists_the_choices() {
        let f = fields();
        assert_eq!(
            complete("Mnt", 3, &f),
            ("Mnt".into(), 3, vec!["MntFruits".into(), "MntWines".into()])
        );
        assert_eq!(complete("MntW", 4, &f).0, "MntWines");
        assert_eq!(
            complete("x + r_", 6, &f),
            ("x + r_score".into(), 11, vec![])
        );
        assert_eq!(complete("yea", 3, &f).0, "year(");
        assert_eq!(complete("zz", 2, &f).2, Vec::<String>::new());
    }
}
