//! Classify's roles: the role suggested for a column saved into the workspace, or one typed.

use crate::engine::data::roles::Role;
use crate::tui::state::app::App;
use crate::tui::state::effect::{Effect, FileEdit, Job};

/// The `[columns]` key a role is saved under, for the table the screen profiles.
pub fn role_key(role: Role, orders_table: bool) -> Option<&'static str> {
    Some(match role {
        Role::CustomerId if orders_table => "order_customer_id",
        Role::CustomerId => "customer_id",
        Role::Pii => "pii",
        Role::OrderId if orders_table => "order_id",
        Role::OrderDate if orders_table => "order_date",
        Role::Amount if orders_table => "amount",
        Role::Quantity if orders_table => "quantity",
        Role::UnitPrice if orders_table => "unit_price",
        Role::Product if orders_table => "product",
        Role::Category if orders_table => "category",
        Role::Channel if orders_table => "channel",
        Role::Discount if orders_table => "discount",
        _ => return None,
    })
}

/// Enter on Classify: save the selected column's suggested role to the workspace.
pub fn accept(app: &mut App) -> Vec<Effect> {
    let Some(p) = app.model.data.profiles.get(app.nav.row) else {
        return vec![];
    };
    let column = p.name.clone();
    let Some(s) = app
        .model
        .data
        .suggestions
        .iter()
        .find(|s| s.column == column)
    else {
        app.status = format!("no role is suggested for {column}");
        return vec![];
    };
    let Some(key) = role_key(s.role, app.model.data.profiled_orders) else {
        let birth = s.role == Role::Age && s.reason.starts_with("a birth year");
        let year = app.model.data.as_of.map_or(2025, |d| {
            crate::engine::format::day_text(d)[..4]
                .parse()
                .unwrap_or(2025)
        });
        app.status = match s.role.step_hint() {
            Some(_) if birth => format!(
                "{column} holds birth years, not ages: a Demographic rule can use the age, e.g. {year} - {column} < 30 (N adds a criterion there)"
            ),
            Some(step) => format!(
                "{column} looks like {}: use it in a {step} criterion (N adds one there)",
                s.role.as_str()
            ),
            None => format!(
                "{column} looks like {}; nothing to save for it",
                s.role.as_str()
            ),
        };
        return vec![];
    };
    if app.workspace.is_none() {
        app.status = "the built-in demo has no workspace file: its roles are fixed".into();
        return vec![];
    }
    if app
        .model
        .data
        .roles
        .iter()
        .any(|(k, c)| k == key && *c == column)
    {
        app.status = format!("{column} is already the workspace's {key}");
        return vec![];
    }
    app.status = format!("saving {column} as {key}; the data is read again");
    vec![Effect::Write {
        edit: FileEdit::Role {
            key: key.to_string(),
            column,
        },
        then: app.workspace.clone().map(|path| Job::Reopen { path }),
        undo: None,
    }]
}

/// The keys a column of the profiled table can take.
pub fn allowed_keys(orders_table: bool) -> Vec<&'static str> {
    if orders_table {
        let mut v = vec!["order_customer_id"];
        v.extend(crate::engine::rules::ORDER_ROLE_KEYS.iter().skip(1));
        v.push("pii");
        v
    } else {
        vec!["customer_id", "pii"]
    }
}

/// Check a typed role key.
pub fn check_key(
    text: &str,
    orders_table: bool,
) -> Result<String, crate::tui::state::prompt::EditError> {
    let k = text.trim();
    let keys = allowed_keys(orders_table);
    if keys.contains(&k) {
        Ok(k.to_string())
    } else {
        Err(crate::tui::state::prompt::EditError {
            message: format!("one of: {}", keys.join(", ")),
            pos: Some(1),
        })
    }
}

/// `e` on Classify: type the role of the selected column (to change a suggestion).
pub fn choose(app: &mut App) -> Vec<Effect> {
    let Some(p) = app.model.data.profiles.get(app.nav.row) else {
        return vec![];
    };
    if app.workspace.is_none() {
        app.status = "the built-in demo has no workspace file: its roles are fixed".into();
        return vec![];
    }
    let current = app
        .model
        .data
        .suggestions
        .iter()
        .find(|s| s.column == p.name)
        .and_then(|s| role_key(s.role, app.model.data.profiled_orders))
        .unwrap_or_default();
    app.edit.prompt = Some(crate::tui::state::app::Prompt::Edit(
        crate::tui::state::prompt::EditPrompt::new(
            0,
            crate::tui::state::prompt::Target::Role,
            current.to_string(),
        ),
    ));
    vec![]
}
