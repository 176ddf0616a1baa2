//! A connection to a PostgreSQL server as a workspace entry asks for it, and queries that Ctrl-C or Esc cancel on the server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use postgres::{Client, NoTls};

use super::password::password;
use super::source::{DbSource, SslMode, Url, parse_url};
use crate::engine::data::progress::Progress;
use crate::engine::error::{EngineError, Result};

/// A connection to the server of `src`, its password found as for a pull (notes a user
/// should see go to `notes`).
pub fn connect_to(src: &DbSource, notes: &mut Vec<String>) -> Result<(Client, Url)> {
    let url = parse_url(&src.url).map_err(EngineError::Invalid)?;
    let pw = password(&url, src.password_env.as_deref(), notes).map_err(|m| db(&url, m))?;
    let cfg = postgres::Config::from(config(&url, pw));
    let r = match url.ssl {
        SslMode::Disable => cfg.connect(NoTls),
        _ => cfg.connect(super::tls::connector(&url).map_err(|m| db(&url, m))?),
    };
    let client = r.map_err(|e| connect_failed(&url, &e).0)?;
    Ok((client, url))
}

/// A connection refused, and whether the server answered (it refused the password, say) or
/// could not be reached.
pub(super) fn connect_failed(url: &Url, e: &postgres::Error) -> (EngineError, bool) {
    (
        server_error(url, e, "cannot connect"),
        e.as_db_error().is_some(),
    )
}

/// The url's settings with the password and the TLS mode.
pub(super) fn config(url: &Url, pw: Option<String>) -> tokio_postgres::Config {
    let mut cfg = url.config.clone();
    if let Some(p) = pw {
        cfg.password(p);
    }
    cfg.ssl_mode(match url.ssl {
        SslMode::Disable => tokio_postgres::config::SslMode::Disable,
        SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
        _ => tokio_postgres::config::SslMode::Require,
    });
    cfg
}

/// Run `f` on `client` while a watcher cancels its query on the server as soon as `p` is
/// cancelled (Ctrl-C, Esc).
pub fn watching<T>(
    client: &mut Client,
    url: &Url,
    p: &Progress,
    f: impl FnOnce(&mut Client) -> T,
) -> Result<T> {
    let token = client.cancel_token();
    let tls = match url.ssl {
        SslMode::Disable => None,
        _ => Some(super::tls::connector(url).map_err(|m| db(url, m))?),
    };
    let cancel = || {
        let _ = match &tls {
            Some(t) => token.cancel_query(t.clone()),
            None => token.cancel_query(NoTls),
        };
    };
    Ok(watch(|| p.should_stop(), cancel, || f(client)))
}

/// Run `f` while a watcher calls `cancel` (asks the server to cancel the query) once `stop`
/// holds, and again every quarter second while `f` runs: a cancel that reaches the server
/// between two steps of a query (its prepare and its run) is dropped. The watcher ends with
/// `f`, even by a panic.
pub(super) fn watch<T>(
    stop: impl Fn() -> bool + Sync,
    cancel: impl Fn() + Sync,
    f: impl FnOnce() -> T,
) -> T {
    let done = AtomicBool::new(false);
    struct Done<'a>(&'a AtomicBool);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut ticks_to_ask = 0u32;
            while !done.load(Ordering::Relaxed) {
                if stop() {
                    if ticks_to_ask == 0 {
                        cancel();
                        ticks_to_ask = 5;
                    }
                    ticks_to_ask -= 1;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let _done = Done(&done);
        f()
    })
}

pub fn db(url: &Url, message: String) -> EngineError {
    EngineError::Database {
        server: url.server(),
        message,
    }
}

/// The server's own message quoted, with what to do for the usual causes. The url's text (and
/// so no password) is never part of it.
pub fn server_error(url: &Url, e: &postgres::Error, doing: &str) -> EngineError {
    let message = match e.as_db_error() {
        Some(d) => {
            let hint = match d.code().code() {
                // no login rule (pg_hba.conf) for an unencrypted connection the url asked for:
                // perhaps the server takes encrypted ones only
                "28000"
                    if d.message().contains("no pg_hba.conf entry")
                        && url.ssl == super::source::SslMode::Disable =>
                {
                    format!(
                        "; the url says sslmode=disable: if the server takes only encrypted \
                         connections, set sslmode=require (or verify-full, with \
                         sslrootcert=PATH, to check its certificate); else its login rules \
                         (pg_hba.conf) have none for user {} from this host",
                        url.user
                    )
                }
                "28000" if d.message().contains("no pg_hba.conf entry") => format!(
                    "; the server's login rules (pg_hba.conf) have none for user {} from this \
                     host (or for this database): ask its administrator",
                    url.user
                ),
                "28P01" | "28000" => format!(
                    "; check the password for user {}: PGPASSWORD, a line in ~/.pgpass, or \
                     password_env = \"NAME\" in the table's entry",
                    url.user
                ),
                "3D000" => "; check the database name in the url".into(),
                _ => String::new(),
            };
            format!("{doing}: the server says \"{}\"{hint}", d.message())
        }
        None => {
            let mut m = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                let t = s.to_string();
                if !m.contains(&t) {
                    m.push_str(&format!(": {t}"));
                }
                src = s.source();
            }
            let hint = if m.contains("password missing") || m.contains("no password") {
                format!(
                    "; the server asks for a password for user {}: set PGPASSWORD, add a line to \
                     ~/.pgpass, or name a variable with password_env = \"NAME\"",
                    url.user
                )
            } else if m.contains("onnection refused") || m.contains("timed out") {
                "; is the server running, and are the host and port right?".into()
            } else if m.contains("UnknownIssuer") {
                "; the server's certificate is not signed by an authority trusted here: name \
                 its authority's certificate with sslrootcert=PATH in the url (or encrypt \
                 without checking it: sslmode=require)"
                    .into()
            } else if m.contains("not valid for name") {
                "; the certificate is for another name: connect by a name it holds, or check \
                 only its authority with sslmode=verify-ca"
                    .into()
            } else {
                String::new()
            };
            format!("{doing}: {m}{hint}")
        }
    };
    EngineError::Database {
        server: url.server(),
        message,
    }
}
