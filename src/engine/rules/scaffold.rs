//! A new workspace for a data file, from the role suggestions (the user confirms them in Classify).

use std::path::{Path, PathBuf};

use crate::engine::data::audit::AuditRoles;
use crate::engine::data::profile::profile;
use crate::engine::data::roles::{Role, suggest_all};
use crate::engine::data::{ReadOptions, load_table};
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

/// Text of a starter workspace for one data file.
pub fn scaffold(data: &Path) -> Result<String> {
    let t = load_table(data, &ReadOptions::default(), None)?;
    let profiles = profile(&t.df);
    let sugg = suggest_all(&profiles);
    let roles = AuditRoles::from_suggestions(&sugg, &profiles);
    let file = data
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
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
        out.push_str(&format!("orders = {}\n", quote(&file)));
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
        out.push_str(&format!("customers = {}\n", quote(&file)));
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
    out.push_str("\n# Add criteria here, e.g.\n# [criteria.age_band]\n# step = \"demographic\"\n# bins = { column = \"age\", edges = [25, 40, 60] }\n");
    Ok(out)
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
