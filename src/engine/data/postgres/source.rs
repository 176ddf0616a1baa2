//! A database table named in the workspace: its server, what to read from it, where its rows are kept.

use std::path::PathBuf;
use std::time::Duration;

use tokio_postgres::config::{Config, Host};

/// How long a query's rows are used before they are pulled again, when not set.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(3600);

/// What a database entry reads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Read {
    /// A table or view, as `schema.table` (or a name the search path finds).
    Table(String),
    /// The rows of a query.
    Query(String),
}

/// TLS as the url's `sslmode` asks (libpq's words and meanings; `prefer` when not said).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// Plain TCP.
    Disable,
    /// TLS when the server offers it, the certificate not checked.
    Prefer,
    /// TLS or no connection, the certificate not checked.
    Require,
    /// TLS with a certificate signed by a trusted authority (any name).
    VerifyCa,
    /// TLS with a trusted certificate for the host connected to.
    VerifyFull,
}

impl SslMode {
    fn from_word(w: &str) -> Option<SslMode> {
        Some(match w {
            "disable" | "allow" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

/// A table entry of `[data]` read from a PostgreSQL server.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DbSource {
    /// The url as written (it holds no password: one with a password is refused).
    pub url: String,
    pub read: Read,
    /// The variable holding the password, when the workspace names one.
    pub password_env: Option<String>,
    /// How long a query's rows are used before they are pulled again.
    #[serde(skip)]
    pub refresh_after: Duration,
    /// Where its rows are kept once pulled, as delimited text the typed reader reads.
    pub local: PathBuf,
}

/// The url understood: the connection settings and the parts strata handles itself.
pub struct Url {
    pub config: Config,
    pub ssl: SslMode,
    /// `sslrootcert`: the authorities to trust for `verify-ca` / `verify-full`.
    pub root_cert: Option<PathBuf>,
    pub host: String,
    pub port: u16,
    pub db: String,
    pub user: String,
}

impl Url {
    /// `host:port/db`, as messages name the server.
    pub fn server(&self) -> String {
        format!("{}:{}/{}", self.host, self.port, self.db)
    }
}

/// Read a `postgresql://user@host:port/db?sslmode=…` url. A password in it is refused, saying
/// where a password goes instead; the message never repeats the url's text.
pub fn parse_url(url: &str) -> Result<Url, String> {
    let scheme_ok = ["postgresql://", "postgres://"].iter().any(|s| {
        url.get(..s.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(s))
    });
    if !scheme_ok {
        return Err(
            "the url must start with postgresql:// (e.g. \"postgresql://user@host:5432/db\")"
                .into(),
        );
    }
    let (mut rest, mut ssl, mut root_cert) = (Vec::new(), SslMode::Prefer, None);
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    for kv in query.split('&').filter(|kv| !kv.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "sslmode" => {
                ssl = SslMode::from_word(v).ok_or_else(|| {
                    format!(
                        "sslmode={v} is not one of disable, prefer, require, verify-ca, verify-full"
                    )
                })?
            }
            "sslrootcert" => root_cert = Some(PathBuf::from(v)),
            "password" => return Err(password_refused()),
            _ => rest.push(kv),
        }
    }
    // the user-info part, before the host: `user:password@` is refused
    let after_scheme = &head[head.find("://").map_or(0, |i| i + 3)..];
    let authority = after_scheme.split('/').next().unwrap_or("");
    if let Some((userinfo, _)) = authority.rsplit_once('@')
        && userinfo.contains(':')
    {
        return Err(password_refused());
    }
    let clean = if rest.is_empty() {
        head.to_string()
    } else {
        format!("{head}?{}", rest.join("&"))
    };
    let mut config: Config = clean
        .parse()
        .map_err(|e| format!("the url is not a PostgreSQL url: {e}"))?;
    if config.get_password().is_some() {
        return Err(password_refused());
    }
    let user = match config.get_user() {
        Some(u) => u.to_string(),
        None => {
            let u = std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .map_err(|_| {
                    "the url names no user: write postgresql://USER@host/db".to_string()
                })?;
            config.user(&u);
            u
        }
    };
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => {
            config.host("localhost");
            "localhost".into()
        }
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or(&user).to_string();
    config.dbname(&db);
    config.application_name("strata");
    config.connect_timeout(Duration::from_secs(15));
    Ok(Url {
        config,
        ssl,
        root_cert,
        host,
        port,
        db,
        user,
    })
}

fn password_refused() -> String {
    "the url holds a password, and passwords never live in the workspace: remove it from the url \
     and set PGPASSWORD, add a line to ~/.pgpass, or name a variable holding it with \
     password_env = \"NAME\""
        .into()
}

impl DbSource {
    /// The server as messages name it (`host:port/db`), or the url's first part when it does not
    /// parse.
    pub fn server(&self) -> String {
        parse_url(&self.url).map_or_else(|_| "(url not valid)".into(), |u| u.server())
    }

    /// `table public.customers` or `query`, for lists and progress lines.
    pub fn what(&self) -> String {
        match &self.read {
            Read::Table(t) => format!("table {t}"),
            Read::Query(_) => "query".into(),
        }
    }

    /// `public.customers on host:5432/db`: what a progress line and `strata cache` show.
    pub fn label(&self) -> String {
        match &self.read {
            Read::Table(t) => format!("{t} on {}", self.server()),
            Read::Query(q) => format!("query \"{}\" on {}", first_words(q), self.server()),
        }
    }

    /// The text that decides where its rows are kept: the url and what it reads (no password
    /// can be in either).
    pub fn identity(&self) -> String {
        let read = match &self.read {
            Read::Table(t) => format!("table {t}"),
            Read::Query(q) => format!("query {q}"),
        };
        format!("{}\n{read}\n", self.url)
    }
}

/// The start of a query, for a label.
fn first_words(q: &str) -> String {
    let flat: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::engine::format::clip(&flat, 40)
}

/// The folder pulled rows are kept in: `pulls` in the cache folder (`STRATA_CACHE_DIR` or the
/// platform's), readable by the owner only.
pub fn pulls_dir() -> PathBuf {
    match std::env::var_os("STRATA_CACHE_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d).join("pulls"),
        _ => match directories::ProjectDirs::from("", "", "strata") {
            Some(d) => d.cache_dir().join("pulls"),
            None => std::env::temp_dir().join("strata-pulls"),
        },
    }
}

/// Where the rows of the source with this identity are kept: a stable name from its text.
pub fn local_path(identity: &str, read: &Read) -> PathBuf {
    let stem: String = match read {
        Read::Table(t) => t
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(40)
            .collect(),
        Read::Query(_) => "query".into(),
    };
    pulls_dir().join(format!(
        "{stem}-{:016x}.csv",
        crate::engine::data::private::stable_hash(identity.as_bytes())
    ))
}

/// `1h`, `30m`, `2d`, `45s` or a number of seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" | "min" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_urls_and_huge_durations_are_refused_not_panicked_on() {
        assert!(parse_url("ééééééééééééé").is_err());
        assert!(parse_url("pos").is_err());
        assert_eq!(parse_duration("99999999999999999999d"), None);
        assert_eq!(parse_duration("999999999999999999d"), None);
        assert_eq!(parse_duration("2d"), Some(Duration::from_secs(172_800)));
    }

    #[test]
    fn a_url_names_its_server_and_a_password_in_it_is_refused_without_echo() {
        let u = parse_url("postgresql://ann@db.example:6543/shop?sslmode=require").unwrap();
        assert_eq!(u.server(), "db.example:6543/shop");
        assert_eq!(u.ssl, SslMode::Require);
        assert_eq!(u.user, "ann");
        for bad in [
            "postgresql://ann:s3cret@db.example/shop",
            "postgres://ann:s3cret@db.example:5432/shop?sslmode=disable",
            "postgresql://ann@db.example/shop?password=s3cret",
        ] {
            let e = parse_url(bad).err().unwrap();
            assert!(
                e.contains("PGPASSWORD") && e.contains("password_env"),
                "{e}"
            );
            assert!(!e.contains("s3cret"), "{e}");
        }
        assert!(parse_url("mysql://a@b/c").is_err());
        let e = parse_url("postgresql://a@b/c?sslmode=sometimes")
            .err()
            .unwrap();
        assert!(e.contains("verify-full"), "{e}");
    }

    #[test]
    fn durations_and_stable_local_names() {
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("2 d"), Some(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("soon"), None);
        let r = Read::Table("public.customers".into());
        let a = local_path("postgresql://a@h/db\ntable public.customers\n", &r);
        assert_eq!(
            a,
            local_path("postgresql://a@h/db\ntable public.customers\n", &r)
        );
        assert_ne!(
            a,
            local_path("postgresql://a@h/other\ntable public.customers\n", &r)
        );
        assert!(
            a.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("public.customers-")
        );
    }
}
