//! A new workspace for a data file, from the role suggestions (the user confirms them in Classify).

use std::path::{Path, PathBuf};

use crate::engine::data::audit::AuditRoles;
use crate::engine::data::profile::profile;
use crate::engine::data::roles::{Role, suggest_all};
use crate::engine::data::{FileFormat, ReadOptions, load_table};
use crate::engine::error::{EngineError, Result};
use crate::engine::rules::save::write_atomic;

/// `data.csv` → `data.strata.toml` beside it.
pub fn workspace_path_for(data: &Path) -> PathBuf {
    let name = data
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "data".into());
    let stem = name.split('.').next().unwrap_or("data").to_string();
    data.with_file_name(format!("{stem}.strata.toml"))
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How the data file `file` is read and its entry in `[data]`: its name; for a SQLite
/// database, with its customers' table (or its only one).
fn entry_for(data: &Path, file: &str) -> Result<(ReadOptions, String)> {
    if FileFormat::from_path(data) != Some(FileFormat::Sqlite) {
        return Ok((ReadOptions::default(), quote(file)));
    }
    let table = crate::engine::data::sqlite::customers_table(data)?;
    let entry = format!("{{ path = {}, table = {} }}", quote(file), quote(&table));
    let opts = ReadOptions {
        table: Some(table),
        ..Default::default()
    };
    Ok((opts, entry))
}

/// Text of a starter workspace for one data file.
pub fn scaffold(data: &Path) -> Result<String> {
    let file = data
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let (opts, entry) = entry_for(data, &file)?;
    let t = load_table(data, &opts, None)?;
    let profiles = profile(&t.df);
    let sugg = suggest_all(&profiles);
    let roles = AuditRoles::from_suggestions(&sugg, &profiles);
    let pick = |r: Role| {
        sugg.iter()
            .find(|s| s.role == r && s.confidence >= 0.6)
            .map(|s| s.column.clone())
    };
    let mut out = String::from(
        "# Made by `strata open` from role suggestions: check them in step 2, Classify.\nversion = 1\n\n[data]\n",
    );
    let mut cols = Vec::new();
    if roles.is_orders {
        out.push_str(&format!("orders = {entry}\n"));
        for (key, role) in [
            ("order_customer_id", Role::CustomerId),
            ("order_id", Role::OrderId),
            ("order_date", Role::OrderDate),
            ("amount", Role::Amount),
            ("quantity", Role::Quantity),
            ("unit_price", Role::UnitPrice),
            ("product", Role::Product),
            ("category", Role::Category),
            ("channel", Role::Channel),
            ("discount", Role::Discount),
        ] {
            if let Some(c) = pick(role) {
                cols.push(format!("{key} = {}", quote(&c)));
            }
        }
        // amount wins over quantity × price when both were suggested
        if cols.iter().any(|c| c.starts_with("amount")) {
            cols.retain(|c| !c.starts_with("quantity") && !c.starts_with("unit_price"));
        }
    } else {
        out.push_str(&format!("customers = {entry}\n"));
        if let Some(c) = pick(Role::CustomerId) {
            cols.push(format!("customer_id = {}", quote(&c)));
        }
    }
    let pii: Vec<String> = sugg
        .iter()
        .filter(|s| s.role == Role::Pii && s.confidence >= 0.8)
        .map(|s| quote(&s.column))
        .collect();
    if !pii.is_empty() {
        cols.push(format!("pii = [{}]", pii.join(", ")));
    }
    out.push_str("\n[columns]\n");
    for c in cols {
        out.push_str(&c);
        out.push('\n');
    }
    let answers = if roles.is_orders {
        String::new()
    } else {
        answer_criteria(&t.df, &sugg)
    };
    if answers.is_empty() {
        out.push_str("\n# Add criteria here, e.g.\n# [criteria.age_band]\n# step = \"demographic\"\n# bins = { column = \"age\", edges = [25, 40, 60] }\n");
    } else {
        out.push_str(&answers);
    }
    Ok(out)
}

/// One `map` criterion per answer-like column with a few distinct values (a survey, a
/// lifestyle or benefit question): every answer its own segment, to be grouped in the wizard.
fn answer_criteria(
    df: &polars::prelude::DataFrame,
    sugg: &[crate::engine::data::roles::Suggestion],
) -> String {
    use crate::engine::eval::frame::Vector;
    let mut out = String::new();
    for sg in sugg.iter().filter(|s| {
        matches!(s.role, Role::Answer | Role::Lifestyle | Role::Benefit) && s.confidence >= 0.6
    }) {
        let Some(step) = sg.role.step_hint() else {
            continue;
        };
        let step = if sg.role == Role::Answer
            && crate::engine::data::roles::words(&sg.column)
                .iter()
                .any(|w| {
                    [
                        "benefit",
                        "important",
                        "importance",
                        "why",
                        "reason",
                        "prefer",
                    ]
                    .contains(&w.as_str())
                }) {
            "benefits"
        } else {
            step
        };
        let Some(v) = df
            .column(&sg.column)
            .ok()
            .and_then(|c| Vector::from_series(c.as_materialized_series()).ok())
        else {
            continue;
        };
        let mut counts: Vec<(String, usize)> = Vec::new();
        for i in 0..v.len() {
            if let Some(t) = v.text_at(i) {
                match counts.iter().position(|c| c.0 == t) {
                    Some(k) => counts[k].1 += 1,
                    None => counts.push((t, 1)),
                }
                if counts.len() > 12 {
                    break;
                }
            }
        }
        if counts.len() > 12 || counts.len() < 2 {
            continue;
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let numeric = matches!(v, Vector::Int(_) | Vector::Float(_));
        let groups: Vec<String> = counts
            .iter()
            .map(|(val, _)| {
                let value = if numeric { val.clone() } else { quote(val) };
                format!("{} = [{value}]", quote(val))
            })
            .collect();
        out.push_str(&format!(
            "\n# every answer its own segment: group them in the wizard (e edits a group's values)\n[criteria.{}]\nstep = \"{step}\"\nmap = {{ column = {}, groups = {{ {} }} }}\n",
            quote(&sg.column),
            quote(&sg.column),
            groups.join(", ")
        ));
    }
    out
}

/// The workspace for `data`: the existing one beside it, or a new one written from suggestions.
pub fn open_or_create(data: &Path) -> Result<PathBuf> {
    let ws = workspace_path_for(data);
    if ws.exists() {
        return Ok(ws);
    }
    let text = scaffold(data)?;
    if ws == data {
        return Err(EngineError::Invalid(format!(
            "{} would overwrite its own data",
            ws.display()
        )));
    }
    write_atomic(&ws, text.as_bytes())?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::eval::session::Session;
    use crate::engine::rules::parse::parse_workspace;

    /// A SQLite database's new workspace names the table it read: its customers' table among
    /// several, or its only one; several others are listed for the user to choose from.
    #[test]
    fn a_sqlite_database_s_workspace_names_its_customers_table() {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("shop.db");
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch(
                "CREATE TABLE orders (customer_id INTEGER, order_date TEXT, amount REAL);
                 CREATE TABLE Customers (customer_id INTEGER, age INTEGER, city TEXT);
                 INSERT INTO Customers VALUES (1, 30, 'Paris'), (2, 41, 'Lyon'), (3, 52, 'Nice');",
            )
            .unwrap();
        let text = scaffold(&db).unwrap();
        assert!(
            text.contains("customers = { path = \"shop.db\", table = \"Customers\" }"),
            "{text}"
        );
        let ws = parse_workspace(&workspace_path_for(&db), &text).unwrap();
        assert!(Session::open(ws).is_ok());
        let other = d.path().join("log.db");
        rusqlite::Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE a (id INTEGER); CREATE TABLE b (id INTEGER);")
            .unwrap();
        let e = scaffold(&other).unwrap_err().to_string();
        assert!(
            e.contains("none called customers (a, b)") && e.contains("table = \"a\""),
            "{e}"
        );
    }

    /// A bare survey file becomes a working segmentation: each answer question a criterion.
    #[test]
    fn survey_answers_become_criteria() {
        let d = tempfile::tempdir().unwrap();
        crate::engine::data::demo::write_survey(&d.path().join("s"), 400, 3).unwrap();
        let data = d.path().join("answers.csv");
        std::fs::copy(d.path().join("s/survey.csv"), &data).unwrap();
        let text = scaffold(&data).unwrap();
        let ws = parse_workspace(&workspace_path_for(&data), &text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        let step = |n: &str| {
            ws.criterion(n)
                .unwrap_or_else(|| panic!("no criterion {n}:\n{text}"))
                .step
                .as_str()
        };
        assert_eq!(step("q1_most_important"), "benefits");
        assert_eq!(step("q2_i_try_new_products"), "psychographic");
        assert_eq!(step("q3_recommend"), "psychographic");
        assert_eq!(
            ws.columns.customer_id.as_ref().map(|c| c.value.as_str()),
            Some("respondent_id")
        );
        let s = Session::open(ws).unwrap();
        let q1 = &s.results[0];
        assert_eq!(
            q1.valuation.iter().map(|v| v.customers).sum::<usize>(),
            400,
            "everyone counted once"
        );
        assert!(q1.valuation.iter().all(|v| v.name != "unassigned"));
    }
}
