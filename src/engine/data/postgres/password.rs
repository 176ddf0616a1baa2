//! Where a server's password comes from: the workspace's `password_env`, PGPASSWORD, or ~/.pgpass.

use std::path::{Path, PathBuf};

use super::source::Url;

/// Whether a variable's name says it holds a password (any other is never sent).
pub fn looks_like_a_password_variable(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["PASSWORD", "PASSWD", "PASS", "PW"]
        .iter()
        .any(|w| n.contains(w))
}

/// The password for `url`, from the variable the workspace names, else PGPASSWORD, else the
/// first matching line of the password file (PGPASSFILE or ~/.pgpass). `Ok(None)` when there is
/// none: the server may not ask for one. Notes say why a password file was passed over.
pub fn password(
    url: &Url,
    password_env: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<Option<String>, String> {
    if let Some(name) = password_env {
        // a workspace from elsewhere must not send any secret of the environment to its server
        if !looks_like_a_password_variable(name) {
            return Err(format!(
                "password_env = \"{name}\" does not name a password variable: its name must \
                 contain PASSWORD, PASSWD, PASS or PW (e.g. SHOP_DB_PASSWORD), so that a \
                 workspace cannot send another secret of your environment to a server"
            ));
        }
        return match std::env::var(name) {
            Ok(p) => Ok(Some(p)),
            Err(_) => Err(format!(
                "password_env = \"{name}\", but the variable {name} is not set: set it to the \
                 password before running strata"
            )),
        };
    }
    if let Ok(p) = std::env::var("PGPASSWORD")
        && !p.is_empty()
    {
        return Ok(Some(p));
    }
    let Some(file) = pgpass_file() else {
        return Ok(None);
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(None);
    };
    if !owner_only(&file) {
        notes.push(format!(
            "{} is readable by others, so it was not used (as psql does): chmod 600 it",
            file.display()
        ));
        return Ok(None);
    }
    let port = url.port.to_string();
    Ok(text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .find_map(|l| {
            let f = fields(l);
            let [h, p, d, u, pw] = f.as_slice() else {
                return None;
            };
            let fits = |pat: &str, v: &str| pat == "*" || pat == v;
            let host_fits = fits(h, &url.host) || (h == "localhost" && url.host.starts_with('/'));
            (host_fits && fits(p, &port) && fits(d, &url.db) && fits(u, &url.user))
                .then(|| pw.clone())
        }))
}

fn pgpass_file() -> Option<PathBuf> {
    match std::env::var_os("PGPASSFILE") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")),
    }
}

#[cfg(unix)]
fn owner_only(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn owner_only(_: &Path) -> bool {
    true
}

/// The five `:`-separated fields of a password-file line (`\:` and `\\` escaped).
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut esc) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match (esc, c) {
            (true, c) => {
                cur.push(c);
                esc = false;
            }
            (false, '\\') => esc = true,
            (false, ':') => out.push(std::mem::take(&mut cur)),
            (false, c) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_variables_named_as_passwords_are_sent() {
        assert!(looks_like_a_password_variable("SHOP_DB_PASSWORD"));
        assert!(looks_like_a_password_variable("shop_pw"));
        assert!(looks_like_a_password_variable("PGPASS"));
        assert!(!looks_like_a_password_variable("GITHUB_TOKEN"));
        assert!(!looks_like_a_password_variable("AWS_SECRET_ACCESS_KEY"));
        let url = super::super::source::parse_url("postgresql://a@h/db").unwrap();
        let e = password(&url, Some("HOME"), &mut vec![]).unwrap_err();
        assert!(e.contains("does not name a password variable"), "{e}");
    }

    #[test]
    fn password_file_fields_unescape() {
        assert_eq!(
            fields(r"db.example:5432:*:ann:pa\:ss\\word"),
            vec!["db.example", "5432", "*", "ann", r"pa:ss\word"]
        );
    }
}
