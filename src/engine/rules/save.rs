//! Saving the workspace: edits that keep the user's comments and key order, written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, value};

use crate::engine::error::{EngineError, Result};
use crate::engine::rules::parse::criteria::default_bin_labels;
use crate::engine::rules::{Criterion, MapValue, Rule, Segment};

/// Set `key` to `v`, keeping the old value's decoration (its comments and spacing).
fn put(t: &mut dyn toml_edit::TableLike, key: &str, mut v: toml_edit::Value) {
    if let Some(Item::Value(old)) = t.get(key) {
        *v.decor_mut() = old.decor().clone();
    }
    t.insert(key, value(v));
}

fn number(x: f64) -> toml_edit::Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        toml_edit::Value::from(x as i64)
    } else {
        toml_edit::Value::from(x)
    }
}

/// The `bins` / `map` table of a criterion (inline or standard), created when missing.
fn form_table<'a>(
    crit: &'a mut dyn toml_edit::TableLike,
    form: &str,
    name: &str,
) -> Result<&'a mut dyn toml_edit::TableLike> {
    if !crit.contains_key(form) {
        crit.insert(form, value(toml_edit::InlineTable::new()));
    }
    crit.get_mut(form)
        .and_then(|b| b.as_table_like_mut())
        .ok_or_else(|| EngineError::Invalid(format!("criteria.{name}.{form} is not a table")))
}

/// Segments as the file has them: an array of inline tables edited in place when only texts
/// changed (keeping each line's comments), else written one per line; or `[[…segments]]` tables.
fn write_segments(crit: &mut dyn toml_edit::TableLike, segs: &[Segment]) {
    if let Some(Item::ArrayOfTables(aot)) = crit.get_mut("segments") {
        if aot.len() == segs.len() {
            for (t, s) in aot.iter_mut().zip(segs) {
                put(t, "name", toml_edit::Value::from(s.name.value.as_str()));
                put(t, "when", toml_edit::Value::from(s.when.value.as_str()));
            }
        } else {
            aot.clear();
            for s in segs {
                let mut t = Table::new();
                t.insert("name", value(s.name.value.as_str()));
                t.insert("when", value(s.when.value.as_str()));
                aot.push(t);
            }
        }
        return;
    }
    if let Some(arr) = crit.get_mut("segments").and_then(|i| i.as_array_mut())
        && arr.len() == segs.len()
        && arr.iter().all(|v| v.is_inline_table())
    {
        for (v, s) in arr.iter_mut().zip(segs) {
            if let Some(t) = v.as_inline_table_mut() {
                put(t, "name", toml_edit::Value::from(s.name.value.as_str()));
                put(t, "when", toml_edit::Value::from(s.when.value.as_str()));
            }
        }
        return;
    }
    let mut arr = toml_edit::Array::new();
    for s in segs {
        let mut t = toml_edit::InlineTable::new();
        t.insert("name", s.name.value.as_str().into());
        t.insert("when", s.when.value.as_str().into());
        let mut v = toml_edit::Value::InlineTable(t);
        v.decor_mut().set_prefix("\n  ");
        arr.push_formatted(v);
    }
    arr.set_trailing("\n");
    arr.set_trailing_comma(true);
    put(crit, "segments", toml_edit::Value::Array(arr));
}

/// Write `bytes` to `path` so that a reader or a crash never sees half a file:
/// a temporary file beside it, flushed to disk, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| EngineError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    // a device, pipe or socket (`-o /dev/stdout`, `-o /dev/null`, a FIFO) is written to, never
    // renamed over: replacing it with a file would break it for everyone
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(fail);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    remove_stale_temporaries(&dir, &name);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// Temporary files of earlier writes of `name` whose process is gone (killed mid-write, e.g. by
/// Ctrl-C): removed, so that nothing half-written stays beside the output.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !process_alive(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Whether a process still runs (Linux: its `/proc` entry); elsewhere assumed alive, so its
/// temporary file is left alone.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// Set `key` of `t` to text, or take it out.
fn set_or_remove(t: &mut dyn toml_edit::TableLike, key: &str, v: Option<&str>) {
    match v {
        Some(v) => {
            t.insert(key, value(v));
        }
        None => {
            t.remove(key);
        }
    }
}

/// A workspace document open for editing; every change keeps comments and order.
pub struct WorkspaceEditor {
    pub path: PathBuf,
    pub doc: DocumentMut,
}

impl WorkspaceEditor {
    pub fn open(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EngineError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        Self::from_text(path, &text)
    }

    pub fn from_text(path: &Path, text: &str) -> Result<Self> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            EngineError::Invalid(format!(
                "{}: not valid TOML: {}",
                path.display(),
                e.message()
            ))
        })?;
        Ok(WorkspaceEditor {
            path: path.to_path_buf(),
            doc,
        })
    }

    /// The table at a dotted path, created (as a standard table) when missing.
    fn table_mut(&mut self, path: &[&str]) -> Result<&mut dyn toml_edit::TableLike> {
        let mut cur: &mut dyn toml_edit::TableLike = self.doc.as_table_mut();
        for (i, k) in path.iter().enumerate() {
            if !cur.contains_key(k) {
                let mut t = Table::new();
                t.set_implicit(i + 1 < path.len());
                cur.insert(k, Item::Table(t));
            }
            cur = cur
                .get_mut(k)
                .and_then(|it| it.as_table_like_mut())
                .ok_or_else(|| {
                    EngineError::Invalid(format!("`{}` is not a table", path[..=i].join(".")))
                })?;
        }
        Ok(cur)
    }

    /// Set `key` in the table at `path` to a value, keeping its decoration when it exists.
    pub fn set(&mut self, path: &[&str], key: &str, v: impl Into<toml_edit::Value>) -> Result<()> {
        let t = self.table_mut(path)?;
        let mut new = v.into();
        if let Some(Item::Value(old)) = t.get(key) {
            *new.decor_mut() = old.decor().clone();
        }
        t.insert(key, value(new));
        Ok(())
    }

    pub fn remove(&mut self, path: &[&str], key: &str) -> Result<bool> {
        Ok(self.table_mut(path)?.remove(key).is_some())
    }

    /// Write a criterion's rule and `otherwise` back (creating `[criteria.NAME]` when missing),
    /// keeping the decoration of what stays: comments, layout, the other keys.
    pub fn set_criterion_rule(&mut self, c: &Criterion) -> Result<()> {
        let name = c.name.value.as_str();
        let crit = self.table_mut(&["criteria", name])?;
        if !crit.contains_key("step") {
            crit.insert("step", value(c.step.as_str()));
        }
        match &c.rule {
            Rule::Bins {
                column,
                edges,
                labels,
                expr,
            } => {
                let bins = form_table(crit, "bins", name)?;
                let key = if *expr { "expr" } else { "column" };
                if !bins.contains_key(key) {
                    bins.insert(key, value(column.value.as_str()));
                }
                let arr: toml_edit::Array = edges.iter().map(|e| number(*e)).collect();
                put(bins, "edges", toml_edit::Value::Array(arr));
                if bins.contains_key("labels") || *labels != default_bin_labels(edges) {
                    let arr: toml_edit::Array = labels.iter().map(|l| l.as_str()).collect();
                    put(bins, "labels", toml_edit::Value::Array(arr));
                }
            }
            Rule::Map { column, groups } => {
                let map = form_table(crit, "map", name)?;
                if !map.contains_key("column") {
                    map.insert("column", value(column.value.as_str()));
                }
                let mut t = toml_edit::InlineTable::new();
                for (g, vals) in groups {
                    let arr: toml_edit::Array = vals
                        .iter()
                        .map(|v| match v {
                            MapValue::Text(s) => toml_edit::Value::from(s.as_str()),
                            MapValue::Number(x) => number(*x),
                            MapValue::Bool(b) => toml_edit::Value::from(*b),
                        })
                        .collect();
                    t.insert(g, toml_edit::Value::Array(arr));
                }
                match map.get_mut("groups") {
                    Some(Item::Table(old)) => {
                        old.clear();
                        for (k, v) in t.iter() {
                            old.insert(k, value(v.clone()));
                        }
                    }
                    _ => put(map, "groups", toml_edit::Value::InlineTable(t)),
                }
            }
            Rule::Segments(segs) => write_segments(crit, segs),
        }
        if crit.contains_key("otherwise") || c.otherwise != "unassigned" {
            put(
                crit,
                "otherwise",
                toml_edit::Value::from(c.otherwise.as_str()),
            );
        }
        Ok(())
    }

    /// Rename `[criteria.OLD]` to `[criteria.NEW]`, keeping its place, comments and content.
    pub fn rename_criterion(&mut self, old: &str, new: &str) -> Result<()> {
        let crit = self.table_mut(&["criteria"])?;
        if crit.contains_key(new) {
            return Err(EngineError::Invalid(format!(
                "a criterion is already called \"{new}\""
            )));
        }
        let item = crit.remove(old).ok_or_else(|| {
            EngineError::Invalid(format!("criteria.{old} is not in the file any more"))
        })?;
        crit.insert(new, item);
        Ok(())
    }

    /// Save a column's role in `[columns]`; `pii` adds the column to the list.
    pub fn set_role(&mut self, key: &str, column: &str) -> Result<()> {
        if key != "pii" {
            return self.set(&["columns"], key, column);
        }
        let cols = self.table_mut(&["columns"])?;
        match cols.get_mut("pii").and_then(|i| i.as_array_mut()) {
            Some(arr) => {
                if !arr.iter().any(|v| v.as_str() == Some(column)) {
                    arr.push(column);
                }
            }
            None => {
                let mut arr = toml_edit::Array::new();
                arr.push(column);
                cols.insert("pii", value(arr));
            }
        }
        Ok(())
    }

    /// Set (`Some`) or remove (`None`) one reading option of a data file, the file named by its
    /// workspace key (`data.orders`, `data.join[1]`): `orders = "x.csv"` becomes `orders = {
    /// path = "x.csv", … }` to hold it, and goes back to the plain path when only that is left.
    pub fn set_file_option(&mut self, entry: &str, key: &str, v: Option<&str>) -> Result<()> {
        let missing = || EngineError::Invalid(format!("{entry} is not in the workspace any more"));
        let data = self.table_mut(&["data"])?;
        if let Some(rest) = entry.strip_prefix("data.join[") {
            let i: usize = rest.trim_end_matches(']').parse().map_err(|_| missing())?;
            let join = data.get_mut("join").ok_or_else(missing)?;
            let t: &mut dyn toml_edit::TableLike = match join {
                Item::ArrayOfTables(a) => a.get_mut(i).map(|t| t as &mut dyn toml_edit::TableLike),
                Item::Value(toml_edit::Value::Array(a)) => a
                    .get_mut(i)
                    .and_then(|v| v.as_inline_table_mut())
                    .map(|t| t as &mut dyn toml_edit::TableLike),
                _ => None,
            }
            .ok_or_else(missing)?;
            set_or_remove(t, key, v);
            if let Item::Value(toml_edit::Value::Array(a)) = join
                && let Some(t) = a.get_mut(i).and_then(|v| v.as_inline_table_mut())
            {
                t.fmt();
            }
            return Ok(());
        }
        let name = entry.strip_prefix("data.").ok_or_else(missing)?;
        let item = data.get_mut(name).ok_or_else(missing)?;
        if let Some(path) = item.as_str().map(str::to_string) {
            if v.is_none() {
                return Ok(());
            }
            let mut t = toml_edit::InlineTable::new();
            t.insert("path", path.as_str().into());
            let decor = item.as_value().map(|x| x.decor().clone());
            let mut new = toml_edit::Value::InlineTable(t);
            if let Some(d) = decor {
                *new.decor_mut() = d;
            }
            *item = Item::Value(new);
        }
        let t = item.as_table_like_mut().ok_or_else(missing)?;
        set_or_remove(t, key, v);
        if let Item::Value(toml_edit::Value::InlineTable(t)) = item {
            t.fmt();
        }
        // only the path left: back to `orders = "x.csv"`
        if let Item::Value(toml_edit::Value::InlineTable(t)) = item
            && t.len() == 1
            && let Some(path) = t.get("path").and_then(|p| p.as_str()).map(str::to_string)
        {
            let mut new = toml_edit::Value::from(path.as_str());
            *new.decor_mut() = t.decor().clone();
            *item = Item::Value(new);
        }
        Ok(())
    }

    /// Remove `[criteria.NAME]`.
    pub fn remove_criterion(&mut self, name: &str) -> Result<()> {
        self.table_mut(&["criteria"])?.remove(name);
        Ok(())
    }

    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Write the document atomically to its path.
    pub fn save(&self) -> Result<()> {
        write_atomic(&self.path, self.text().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "# my segmentation\nversion = 1\n\n[data]\ncustomers = \"c.csv\" # the CRM export\n\n[criteria.age]\nstep = \"demographic\"\nbins = { column = \"age\", edges = [25, 40] }\n";

    #[test]
    fn a_file_option_turns_a_path_into_a_table_and_back() {
        let text = "[data]\norders = \"o.csv\" # the log\n\n[[data.join]]\npath = \"s.csv\"\nkey = \"id\"\n";
        let mut ed = WorkspaceEditor::from_text(Path::new("w.strata.toml"), text).unwrap();
        ed.set_file_option("data.orders", "bad_values", Some("missing"))
            .unwrap();
        ed.set_file_option("data.join[0]", "bad_rows", Some("skip"))
            .unwrap();
        let t = ed.text();
        assert!(
            t.contains("orders = { path = \"o.csv\", bad_values = \"missing\" } # the log"),
            "{t}"
        );
        assert!(t.contains("bad_rows = \"skip\""), "{t}");
        ed.set_file_option("data.orders", "bad_values", None)
            .unwrap();
        ed.set_file_option("data.join[0]", "bad_rows", None)
            .unwrap();
        assert_eq!(ed.text(), text);
    }

    #[test]
    fn edits_keep_comments_and_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.strata.toml");
        std::fs::write(&p, SRC).unwrap();
        let mut e = WorkspaceEditor::open(&p).unwrap();
        e.set(&["data"], "customers", "other.csv").unwrap();
        e.set(&["valuation"], "value", "revenue").unwrap();
        e.save().unwrap();
        let out = std::fs::read_to_string(&p).unwrap();
        assert!(out.starts_with("# my segmentation\nversion = 1\n"));
        assert!(out.contains("customers = \"other.csv\" # the CRM export"));
        assert!(out.find("[criteria.age]").unwrap() < out.find("[valuation]").unwrap());
        assert!(out.contains("value = \"revenue\""));
        // no temporary file is left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn criteria_rules_are_written_back_in_every_form() {
        use crate::engine::rules::parse::parse_workspace;
        let src = "version = 1\n[data]\ncustomers = \"c.csv\"\n\n# lifecycle, as agreed with sales\n[criteria.life]\nstep = \"purchase_history\"\nsegments = [\n  { name = \"new\", when = \"orders = 1\" }, # first order\n  { name = \"loyal\", when = \"orders >= 10\" },\n]\n\n[criteria.age]\nstep = \"demographic\"\nbins = { column = \"age\", edges = [25, 40] } # years\n\n[criteria.style]\nstep = \"psychographic\"\nmap = { column = \"lifestyle\", groups = { eco = [\"green\"], posh = [\"premium\"] } }\n";
        let p = Path::new("w.strata.toml");
        let ws = parse_workspace(p, src).unwrap();
        let mut ed = WorkspaceEditor::from_text(p, src).unwrap();
        // same number of segments: changed in place, the comment stays
        let mut life = ws.criteria[0].clone();
        if let Rule::Segments(s) = &mut life.rule {
            s[0].when.value = "orders = 1 AND recency_days < 90".into();
        }
        ed.set_criterion_rule(&life).unwrap();
        assert!(
            ed.text().contains(
                "{ name = \"new\", when = \"orders = 1 AND recency_days < 90\" }, # first order"
            ),
            "{}",
            ed.text()
        );
        // one more segment: rewritten one per line
        if let Rule::Segments(s) = &mut life.rule {
            s.push(Segment {
                name: crate::engine::rules::Spanned::bare("O'Brien \"x\"".into()),
                when: crate::engine::rules::Spanned::bare("TRUE".into()),
            });
        }
        life.otherwise = "rest".into();
        ed.set_criterion_rule(&life).unwrap();
        // bins: named labels are written, edges keep their comment
        let mut age = ws.criteria[1].clone();
        if let Rule::Bins { edges, labels, .. } = &mut age.rule {
            *edges = vec![30.0, 50.5];
            *labels = vec!["young".into(), "mid".into(), "old".into()];
        }
        ed.set_criterion_rule(&age).unwrap();
        let mut style = ws.criteria[2].clone();
        if let Rule::Map { groups, .. } = &mut style.rule {
            groups.swap(0, 1);
            groups[1].1.push(MapValue::Text("outdoor".into()));
        }
        ed.set_criterion_rule(&style).unwrap();
        let text = ed.text();
        assert!(text.contains("# lifecycle, as agreed with sales"));
        assert!(text.contains("# years"), "{text}");
        let back = parse_workspace(p, &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(
            back.criteria[0].rule.labels(),
            vec!["new", "loyal", "O'Brien \"x\""]
        );
        assert_eq!(back.criteria[0].otherwise, "rest");
        assert_eq!(back.criteria[1].rule.labels(), vec!["young", "mid", "old"]);
        let Rule::Bins { edges, .. } = &back.criteria[1].rule else {
            panic!()
        };
        assert_eq!(edges, &vec![30.0, 50.5]);
        let Rule::Map { groups, .. } = &back.criteria[2].rule else {
            panic!()
        };
        assert_eq!(groups[0].0, "posh");
        assert_eq!(groups[1].1.len(), 2);
        // a criterion made in the wizard gets its own table
        let mut new = ws.criteria[0].clone();
        new.name.value = "fresh".into();
        ed.set_criterion_rule(&new).unwrap();
        ed.remove_criterion("style").unwrap();
        let back = parse_workspace(p, &ed.text()).unwrap();
        let names: Vec<&str> = back
            .criteria
            .iter()
            .map(|c| c.name.value.as_str())
            .collect();
        assert_eq!(names, vec!["life", "age", "fresh"]);
        // bins over an expression are written as `expr`, and read back so
        let mut ages = ws.criteria[1].clone();
        ages.name.value = "ages".into();
        ages.rule = Rule::Bins {
            column: crate::engine::rules::Spanned::bare("2014 - Year_Birth".into()),
            edges: vec![35.0, 50.0],
            labels: default_bin_labels(&[35.0, 50.0]),
            expr: true,
        };
        ed.set_criterion_rule(&ages).unwrap();
        assert!(
            ed.text().contains("expr = \"2014 - Year_Birth\""),
            "{}",
            ed.text()
        );
        let back = parse_workspace(p, &ed.text()).unwrap();
        let c = back
            .criteria
            .iter()
            .find(|c| c.name.value == "ages")
            .unwrap();
        assert!(
            matches!(&c.rule, Rule::Bins { expr: true, column, .. } if column.value == "2014 - Year_Birth")
        );
    }

    #[test]
    fn special_files_are_written_to_not_replaced() {
        let null = Path::new("/dev/null");
        if !null.exists() {
            return;
        }
        write_atomic(null, b"gone").unwrap();
        let m = std::fs::metadata(null).unwrap();
        assert!(!m.is_file(), "/dev/null must stay a device");
    }

    #[test]
    fn half_written_temporaries_of_dead_processes_are_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.csv");
        // a process id that cannot be running (above the kernel's maximum)
        let stale = dir.path().join(".m.csv.4294967.tmp");
        std::fs::write(&stale, "half a fi").unwrap();
        let other = dir.path().join(".n.csv.4294967.tmp");
        std::fs::write(&other, "not ours").unwrap();
        write_atomic(&p, b"whole").unwrap();
        assert!(!stale.exists());
        assert!(other.exists(), "another output's temporary is left alone");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "whole");
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        std::fs::write(&p, "old content that is longer").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
    }
}
