//! The audit of a workspace's files with its roles and rules: the data's findings, and what a
//! run would stop on (bad rows, bad values of the columns read as numbers or dates, duplicates).

use super::conform::uses_for;
use super::uses::typed_uses;
use crate::engine::data::audit::{
    AuditDigest, AuditRoles, Check, Policy, TableAudit, audit_table_checked,
};
use crate::engine::data::options::BadRows;
use crate::engine::data::{ReadOptions, Table, load_table};
use crate::engine::error::Result;
use crate::engine::rules::{FileRef, Spanned, Workspace};

/// Audit every table a workspace reads, with the roles it declares; bad rows are found and
/// named, not stopped on.
pub fn audit_workspace(ws: &Workspace) -> Result<Vec<TableAudit>> {
    Ok(audit_workspace_tables(ws, false)?
        .into_iter()
        .map(|(a, _)| a)
        .collect())
}

/// The same, keeping each table as loaded (every column), in the order customers, orders,
/// joined tables, so a caller that also evaluates the workspace reads the files only once.
/// With `as_run`, each file is read with its own options, so that bad rows stop it as they
/// stop a run (the report); otherwise they are left out and named.
pub fn audit_workspace_tables(ws: &Workspace, as_run: bool) -> Result<Vec<(TableAudit, Table)>> {
    audited_files(ws)
        .into_iter()
        .map(|a| audit_file(ws, a, as_run))
        .collect()
}

/// One file to audit: the roles the audit gives its columns, the columns the rules read as
/// numbers or dates, and what the options let a run do about bad values, rows and ids.
struct Audited<'a> {
    file: &'a FileRef,
    roles: AuditRoles,
    checks: Vec<Check>,
    policy: Policy,
}

/// The files a workspace reads, in the order customers, orders, joined tables, each with what
/// its audit checks.
fn audited_files(ws: &Workspace) -> Vec<Audited<'_>> {
    let uses = typed_uses(ws);
    audit_roles(ws)
        .into_iter()
        .map(|(file, roles)| {
            let (checks, policy) = checks_of(ws, file, &uses);
            Audited {
                file,
                roles,
                checks,
                policy,
            }
        })
        .collect()
}

/// The files a workspace reads, in order, with the roles the audit gives their columns.
fn audit_roles(ws: &Workspace) -> Vec<(&FileRef, AuditRoles)> {
    let col = |s: &Option<Spanned<String>>| s.as_ref().map(|x| x.value.clone());
    let mut out = Vec::new();
    if let Some(f) = &ws.data.customers {
        let roles = AuditRoles {
            customer_id: col(&ws.columns.customer_id),
            ..Default::default()
        };
        out.push((f, roles));
    }
    if let Some(f) = &ws.data.orders {
        let roles = AuditRoles {
            customer_id: col(&ws.columns.order_customer_id).or(col(&ws.columns.customer_id)),
            order_id: col(&ws.columns.order_id),
            dates: col(&ws.columns.order_date).into_iter().collect(),
            amounts: col(&ws.columns.amount).into_iter().collect(),
            quantity: col(&ws.columns.quantity),
            unit_price: col(&ws.columns.unit_price),
            is_orders: true,
        };
        out.push((f, roles));
    }
    for j in &ws.data.joins {
        let roles = AuditRoles {
            customer_id: Some(j.key.value.clone()),
            ..Default::default()
        };
        out.push((&j.file, roles));
    }
    out
}

/// What the audit of file `f` checks beyond the file itself (`uses`: what the rules read as
/// numbers or dates).
fn checks_of(
    ws: &Workspace,
    f: &FileRef,
    uses: &[crate::engine::eval::uses::Use],
) -> (Vec<Check>, Policy) {
    let checks = uses_for(uses, &f.key, ws.data.customers.is_some())
        .into_iter()
        .map(|u| Check {
            column: u.column.clone(),
            want: u.want,
            why: u.why.clone(),
            guessed: false,
            checked: u.checked,
        })
        .collect();
    let policy = Policy {
        values_missing: f.options.bad_values == crate::engine::data::options::BadValues::Missing,
        rows_skip: f.options.bad_rows == BadRows::Skip,
        duplicates_first: ws.data.duplicate_ids == crate::engine::rules::DuplicateIds::First,
    };
    (checks, policy)
}

/// Read and audit one file of the workspace.
fn audit_file(ws: &Workspace, a: Audited, as_run: bool) -> Result<(TableAudit, Table)> {
    let Audited {
        file: f,
        mut roles,
        checks,
        policy,
    } = a;
    let mut opts: ReadOptions = f.options.clone();
    if !as_run {
        opts.bad_rows = BadRows::Skip;
    }
    let t = load_table(&f.resolve(&ws.base_dir()), &opts, None)
        .map_err(|e| super::conform::with_entry(e, f))?;
    if f.key == "data.customers" {
        // a customers table's dates are whatever columns were read as dates
        roles.dates =
            t.df.columns()
                .iter()
                .filter(|c| crate::engine::data::values::is_temporal(c.dtype()))
                .map(|c| c.name().to_string())
                .collect();
    }
    let a = audit_table_checked(&t, Some(roles), &opts, Some((&checks, policy)));
    Ok((a, t))
}

/// The report's audit of every file as a run reads it, each kept in the cache under the file's
/// key, the roles and checks it was made with, and the day (dates after today are findings):
/// a report after a rule change reads no file again.
pub fn report_audits(
    ws: &Workspace,
    cache: &super::cache::Cache,
    notes: &mut Vec<String>,
) -> Result<Vec<AuditDigest>> {
    let mut out = Vec::new();
    for a in audited_files(ws) {
        let f = a.file;
        let path = f.resolve(&ws.base_dir());
        let file_key = cache.table_key(&path, &f.options, None);
        let key = file_key.as_ref().map(|k| {
            format!(
                "strata audit {} {}\ntoday {}\nroles {:?}\nchecks {:?}\npolicy {:?}\n{k}",
                env!("CARGO_PKG_VERSION"),
                super::cache::FORMAT,
                chrono::Utc::now().date_naive(),
                a.roles,
                a.checks,
                a.policy,
            )
        });
        let kept = key
            .as_ref()
            .and_then(|k| cache.get(k, "an audit", notes))
            .and_then(|(meta, _)| serde_json::from_str::<AuditDigest>(&meta).ok());
        let digest = match kept {
            // the entry is the file's, whatever path reached it: the report names it as given
            Some(d) => AuditDigest {
                path: path.display().to_string(),
                ..d
            },
            None => {
                let d = AuditDigest::from(&audit_file(ws, a, true)?.0);
                // kept only when the file did not change while it was read
                let same = file_key == cache.table_key(&path, &f.options, None);
                if let (Some(k), Ok(meta), true) = (&key, serde_json::to_string(&d), same) {
                    let size = crate::engine::data::read::file_size(&path);
                    let empty = super::frame::Frame::new(0);
                    cache.put(k, &meta, &empty, size, "an audit", notes);
                }
                d
            }
        };
        out.push(digest);
    }
    Ok(out)
}

/// What `strata check --data` finds in the data: each problem as a run tells it, split into
/// those a run stops on and those its options let it go on with.
#[derive(Debug, Default)]
pub struct DataCheck {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// Read every file of the workspace and find what a run would stop on: bad rows, bad values of
/// the columns read as numbers or dates, duplicate ids in the customers and joined tables.
/// Unlike a run, it goes on after the first, to tell them all.
pub fn check_data(
    ws: &Workspace,
    p: &crate::engine::data::progress::Progress,
) -> Result<DataCheck> {
    use crate::engine::data::quality::{rows_fail, values_fail};
    use crate::engine::eval::frame::Frame;
    let base = ws.base_dir();
    let uses = typed_uses(ws);
    let has_customers = ws.data.customers.is_some();
    let mut out = DataCheck::default();
    for f in ws.data_files() {
        let path = f.resolve(&base);
        let mut opts = f.options.clone();
        opts.bad_rows = BadRows::Skip;
        let data = crate::engine::data::load_data(&path, &opts, None, p)
            .map_err(|e| super::conform::with_entry(e, f))?;
        let (rows, read) = (data.bad_rows.clone(), data.read.clone());
        let mut frame = Frame::from_data(data).map_err(|e| {
            crate::engine::EngineError::data(&path, crate::engine::data::read::short(&e))
        })?;
        let use_here = uses_for(&uses, &f.key, has_customers);
        let file = (path.as_path(), &f.options, f);
        let q = super::conform::check_table(&mut frame, file, (rows, &read), &use_here, true)?;
        out.warnings.extend(q.notes.iter().cloned());
        let shown = path.display();
        for (warning, fail, error) in [
            (q.rows_warning(), rows_fail(&f.options), q.rows_error()),
            (
                q.values_warning(),
                values_fail(&f.options),
                q.values_error(),
            ),
        ] {
            match warning {
                Some(_) if fail => out.errors.push(format!("{shown}: {error}")),
                Some(w) => out.warnings.push(w),
                None => {}
            }
        }
        let id_col = match f.key.as_str() {
            "data.customers" => ws.columns.customer_id.as_ref().map(|c| c.value.clone()),
            "data.orders" => None,
            _ => ws
                .data
                .joins
                .iter()
                .find(|j| j.file.key == f.key)
                .map(|j| j.key.value.clone()),
        };
        if let Some(d) = id_col.and_then(|c| super::assemble::duplicates_in(ws, f, &frame, &c)) {
            if ws.data.duplicate_ids == crate::engine::rules::DuplicateIds::Error {
                out.errors.push(format!("{shown}: {}", d.error()));
            } else {
                out.warnings.push(format!(
                    "{shown}: {}; the first row of each is kept (duplicate_ids = \"first\")",
                    d.message()
                ));
            }
        }
    }
    // the rules over the data as read, past what was found above: a rule's type error, say
    if let Err(e) =
        super::session::Session::open_watched(super::conform::going_on(ws), Some(&[]), p)
    {
        let told = e.to_string();
        if !out.errors.iter().any(|x| x.contains(&told)) {
            out.errors.push(told);
        }
    }
    Ok(out)
}
