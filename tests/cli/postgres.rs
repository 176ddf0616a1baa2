//! PostgreSQL tables as sources, on a throwaway server with password (scram) logins: tables and
//! queries of every common type pulled into the same numbers as files, the copy kept until the
//! table changes, and every failure (password, server down, a refused query, Ctrl-C) said plainly.

use std::process::Stdio;

use super::*;

const NEEDS: &str = "needs PostgreSQL server binaries (apt install postgresql)";
pub(super) const PASSWORD: &str = "s3cret-Pa55";

/// A private PostgreSQL cluster in a temporary folder: TCP on 127.0.0.1 with scram passwords
/// for user `strata`, and a Unix socket with trust for the test's own psql. Stopped on drop.
pub(super) struct Server {
    pub dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_root: bool,
}

fn pg_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("this test {NEEDS}: no /usr/lib/postgresql/*/bin/initdb"))
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(|_| String::new(), false)
    }

    /// A server holding the shop's tables ([`SCHEMA`]).
    fn with_shop() -> Server {
        let s = Self::start();
        s.psql(SCHEMA);
        s
    }

    /// A server whose folder `prepare` fills first (it returns more server options), with TCP
    /// logins over TLS only when `tls_only`.
    pub fn start_with(prepare: impl FnOnce(&Path) -> String, tls_only: bool) -> Server {
        let bin = pg_bin();
        let dir = tempfile::tempdir().unwrap();
        let as_root = unsafe_free_euid_is_root();
        std::fs::write(dir.path().join("pw"), PASSWORD).unwrap();
        let options = prepare(dir.path());
        if as_root {
            let ok = std::process::Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = Server {
            dir,
            bin,
            port,
            as_root,
        };
        let data = s.dir.path().join("data");
        s.cmd("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "strata",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ])
            .arg(format!("--pwfile={}", s.dir.path().join("pw").display()))
            .assert_ok();
        if tls_only {
            // TCP logins only over TLS (the file keeps its owner: rewritten in place)
            let hba = data.join("pg_hba.conf");
            let text = std::fs::read_to_string(&hba).unwrap();
            let tls: String = text
                .lines()
                .map(|l| match l.strip_prefix("host ") {
                    Some(rest) => format!("hostssl {rest}\n"),
                    None => format!("{l}\n"),
                })
                .collect();
            std::fs::write(&hba, tls).unwrap();
        }
        s.cmd("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-o")
            .arg(format!(
                "-p {} -c listen_addresses=127.0.0.1 -k {} {options}",
                s.port,
                s.dir.path().display()
            ))
            .arg("-l")
            .arg(s.dir.path().join("log"))
            .args(["-w", "start"])
            .assert_ok();
        s
    }

    fn cmd(&self, prog: &str) -> std::process::Command {
        let path = self.bin.join(prog);
        if self.as_root {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            std::process::Command::new(path)
        }
    }

    /// Run SQL as the superuser over the socket; its output.
    pub fn psql(&self, sql: &str) -> String {
        let out = self
            .cmd("psql")
            .arg("-h")
            .arg(self.dir.path())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "strata",
                "-d",
                "postgres",
            ])
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// `COPY table FROM STDIN` of a CSV file with a header (read by this process, not the
    /// server's user).
    fn load_csv(&self, table: &str, file: &Path) {
        let out = self
            .cmd("psql")
            .arg("-h")
            .arg(self.dir.path())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "strata",
                "-d",
                "postgres",
            ])
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c"])
            .arg(format!("COPY {table} FROM STDIN (FORMAT csv, HEADER true)"))
            .stdin(std::fs::File::open(file).unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "loading {table}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn url(&self) -> String {
        format!(
            "postgresql://strata@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

trait AssertOk {
    fn assert_ok(&mut self);
}

impl AssertOk for std::process::Command {
    fn assert_ok(&mut self) {
        let out = self.output().unwrap();
        assert!(
            out.status.success(),
            "{:?} failed: {}{}",
            self,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Whether the tests run as root (the server then runs as the `postgres` user).
fn unsafe_free_euid_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Customers of every common type with NULLs in each, and their orders.
pub(super) const SCHEMA: &str = "
CREATE SCHEMA shop;
CREATE TABLE shop.customers (
  id integer PRIMARY KEY, name text, city varchar(20), code char(3), income numeric(10,2),
  score double precision, visits smallint, points bigint, born date, joined timestamp,
  seen timestamptz, vip boolean);
INSERT INTO shop.customers VALUES
  (1, 'Ann', 'Paris', 'A01', 52000.50, 0.75, 3, 9000000000, '1980-02-03', '2020-01-01 10:00:00', '2024-05-01 08:00:00+02', true),
  (2, 'Bob', 'Lyon', 'B02', 31000.00, 0.25, 1, 12, '1995-07-08', '2021-06-30 23:59:59', '2024-06-01 00:00:00+00', false),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 'Dee, \"the\" one', 'Paris', 'D04', 78000.25, 1.5, 7, 40, '1970-12-31', '2019-03-04 05:06:07.25', '2023-01-01 12:00:00-05', true),
  (5, '', 'Nice', 'E05', 15000.00, -2.5, 0, 0, '2001-01-01', '2022-02-02 02:02:02', '2024-12-31 23:30:00+00', NULL);
CREATE TABLE shop.orders (order_id integer, customer integer, day date, amount numeric(12,2));
INSERT INTO shop.orders VALUES
  (1, 1, '2024-01-05', 120.00), (2, 1, '2024-03-05', 80.50), (3, 2, '2023-11-11', 15.25),
  (4, 4, '2024-02-29', 300.00), (5, 4, '2024-04-01', NULL), (6, 5, '2022-06-06', 9.99);
";

/// The same rows as files, written as a careful export would write them.
const CUSTOMERS_CSV: &str = "id,name,city,code,income,score,visits,points,born,joined,seen,vip
1,Ann,Paris,A01,52000.50,0.75,3,9000000000,1980-02-03,2020-01-01 10:00:00,2024-05-01 06:00:00,true
2,Bob,Lyon,B02,31000.00,0.25,1,12,1995-07-08,2021-06-30 23:59:59,2024-06-01 00:00:00,false
3,,,,,,,,,,,
4,\"Dee, \"\"the\"\" one\",Paris,D04,78000.25,1.5,7,40,1970-12-31,2019-03-04 05:06:07.25,2023-01-01 17:00:00,true
5,\"\",Nice,E05,15000.00,-2.5,0,0,2001-01-01,2022-02-02 02:02:02,2024-12-31 23:30:00,
";
const ORDERS_CSV: &str = "order_id,customer,day,amount
1,1,2024-01-05,120.00
2,1,2024-03-05,80.50
3,2,2023-11-11,15.25
4,4,2024-02-29,300.00
5,4,2024-04-01,
6,5,2022-06-06,9.99
";

/// Rules reading every type: numbers, text, dates, times, booleans.
const RULES: &str = r#"
[columns]
customer_id = "id"
order_customer_id = "customer"
order_date = "day"
amount = "amount"
"#;

/// The criteria over the customers table alone.
const CRITERIA: &str = r#"
[criteria.income_band]
step = "demographic"
bins = { column = "income", edges = [30000, 60000] }

[criteria.place]
step = "geographic"
map = { column = "city", groups = { south = ["Nice"], paris = ["Paris"] } }

[criteria.kind]
step = "psychographic"
overlap = "first_match"
segments = [
  { name = "vip_keen", when = "vip AND score > 0.5 AND visits >= 3 AND points > 10" },
  { name = "older", when = "born < DATE '1990-01-01' OR code = 'B02'" },
  { name = "recent", when = "seen >= DATE '2024-01-01' AND joined < DATE '2022-06-01'" },
]
"#;

fn workspace(dir: &Path, data: &str) -> String {
    write(
        dir,
        "shop.strata.toml",
        format!("version = 1\n\n[data]\nas_of = \"2025-01-01\"\n{data}\n{RULES}{CRITERIA}")
            .as_bytes(),
    )
}

/// A workspace `name` over the server's `shop.customers` (at `url`) and [`CRITERIA`].
pub(super) fn shop_customers(dir: &Path, name: &str, url: &str) -> String {
    let data = format!("customers = {{ url = \"{url}\", table = \"shop.customers\" }}");
    customers_only(dir, name, &data, CRITERIA)
}

/// A workspace over one customers table and the given criteria.
pub(super) fn customers_only(dir: &Path, name: &str, data: &str, criteria: &str) -> String {
    write(
        dir,
        &format!("{name}.strata.toml"),
        format!("version = 1\n\n[data]\n{data}\n\n[columns]\ncustomer_id = \"id\"\n{criteria}")
            .as_bytes(),
    )
}

/// `strata run WS --summary /dev/null` with the server's password at hand.
fn run_quietly(ws: &str) -> assert_cmd::Command {
    let mut c = strata();
    c.env("PGPASSWORD", PASSWORD)
        .args(["run", ws, "--summary", "/dev/null"]);
    c
}

pub(super) fn in_cache(c: &mut assert_cmd::Command, cache: &Path) -> std::process::Output {
    c.env("STRATA_CACHE_DIR", cache).output().unwrap()
}

/// Run; it must fail with exit 1: its standard error.
pub(super) fn refused(c: &mut assert_cmd::Command, cache: &Path) -> String {
    let o = in_cache(c, cache);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    err
}

pub(super) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn a_table_and_a_query_pull_into_the_same_numbers_as_files_and_are_kept_until_they_change() {
    let pg = Server::with_shop();
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    // the files
    let files = d.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    write(&files, "customers.csv", CUSTOMERS_CSV.as_bytes());
    write(&files, "orders.csv", ORDERS_CSV.as_bytes());
    let ws_files = workspace(
        &files,
        "customers = \"customers.csv\"\norders = \"orders.csv\"",
    );
    // the server: a table, and a query with a join
    let db = d.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let url = pg.url();
    let ws_db = workspace(
        &db,
        &format!(
            "customers = {{ url = \"{url}\", table = \"shop.customers\", password_env = \"SHOP_PW\" }}\n\
             orders = {{ url = \"{url}\", password_env = \"SHOP_PW\", query = \"\"\"\n\
             SELECT o.order_id, o.customer, o.day, o.amount FROM shop.orders o\n\
             JOIN shop.customers c ON c.id = o.customer ORDER BY o.order_id\"\"\" }}"
        ),
    );
    let out_files = d.path().join("files.csv");
    let o = in_cache(
        strata().args(["run", &ws_files, "--out", &out_files.to_string_lossy()]),
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out_db = d.path().join("db.csv");
    let summary = d.path().join("s.json");
    let o = in_cache(
        strata()
            .env("SHOP_PW", PASSWORD)
            .env_remove("PGPASSWORD")
            .args(["run", &ws_db, "--out", &out_db.to_string_lossy()])
            .args(["--summary", &summary.to_string_lossy()]),
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let expected = std::fs::read_to_string(&out_files).unwrap();
    assert_eq!(std::fs::read_to_string(&out_db).unwrap(), expected);
    assert!(
        expected.contains("1,\"[30000, 60000)\",paris,vip_keen"),
        "{expected}"
    );
    // kept: listed, owner-only, and the password nowhere
    let o = in_cache(strata().args(["cache"]), &cache);
    let list = text(&o.stdout);
    assert!(
        list.contains("pulled") && list.contains("table shop.customers on 127.0.0.1"),
        "{list}"
    );
    let pulls = cache.join("pulls");
    for e in std::fs::read_dir(&pulls).unwrap().flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        assert!(!text(&bytes).contains(PASSWORD), "{:?}", e.path());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = e.metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{:?} is {mode:o}", e.path());
        }
    }
    for f in walk(&cache) {
        assert!(
            !text(&std::fs::read(&f).unwrap()).contains(PASSWORD),
            "{f:?}"
        );
    }
    assert!(
        !std::fs::read_to_string(&summary)
            .unwrap()
            .contains(PASSWORD)
    );
    // again: nothing pulled (the table's copy is unchanged on disk)
    let copy = std::fs::read_dir(&pulls)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.to_string_lossy().contains("shop.customers")
                && p.extension().is_some_and(|x| x == "csv")
        })
        .unwrap();
    let before = std::fs::metadata(&copy).unwrap().modified().unwrap();
    let o = in_cache(
        strata()
            .env("SHOP_PW", PASSWORD)
            .args(["run", &ws_db, "--out", &out_db.to_string_lossy()]),
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::metadata(&copy).unwrap().modified().unwrap(),
        before
    );
    // a change on the server is pulled: a new customer in Nice
    pg.psql("INSERT INTO shop.customers (id, city, income) VALUES (6, 'Nice', 99000)");
    let o = in_cache(
        strata()
            .env("SHOP_PW", PASSWORD)
            .args(["run", &ws_db, "--out", &out_db.to_string_lossy()]),
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let now = std::fs::read_to_string(&out_db).unwrap();
    assert!(now.lines().any(|l| l.starts_with("6,")), "{now}");
    assert_ne!(
        std::fs::metadata(&copy).unwrap().modified().unwrap(),
        before
    );
}

pub(super) fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn a_wrong_password_a_server_down_and_a_refused_query_are_said_plainly() {
    let pg = Server::with_shop();
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let url = pg.url();
    let ws = shop_customers(d.path(), "shop", &url);
    let server = format!("127.0.0.1:{}/postgres", pg.port);
    // a wrong password
    let err = refused(
        strata()
            .env("PGPASSWORD", "not-it-9")
            .args(["run", &ws, "--summary", "/dev/null"]),
        &cache,
    );
    assert!(err.contains(&server), "{err}");
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains("not-it-9"), "{err}");
    // no password at all
    let err = refused(
        strata()
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", d.path().join("none"))
            .args(["run", &ws, "--summary", "/dev/null"]),
        &cache,
    );
    assert!(
        err.contains("PGPASSWORD") && err.contains("password_env"),
        "{err}"
    );
    // the password in a ~/.pgpass-style file, owner-only
    let pass = d.path().join("pgpass");
    std::fs::write(
        &pass,
        format!("127.0.0.1:{}:*:strata:{PASSWORD}\n", pg.port),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let o = in_cache(
        strata()
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", &pass)
            .args(["run", &ws, "--summary", "/dev/null"]),
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    // a query the server refuses
    let ws_bad = customers_only(
        d.path(),
        "bad",
        &format!("customers = {{ url = \"{url}\", query = \"SELECT nope FROM shop.customers\" }}"),
        CRITERIA,
    );
    let err = refused(&mut run_quietly(&ws_bad), &cache);
    assert!(
        err.contains(&server) && err.contains("column \"nope\" does not exist"),
        "{err}"
    );
    // a table that is not there
    let ws_none = customers_only(
        d.path(),
        "none",
        &format!("customers = {{ url = \"{url}\", table = \"shop.clients\" }}"),
        CRITERIA,
    );
    let err = refused(&mut run_quietly(&ws_none), &cache);
    assert!(err.contains("no table or view shop.clients"), "{err}");
    // a password in the url is refused at once, without repeating it
    let ws_pw = customers_only(
        d.path(),
        "pw",
        &format!(
            "customers = {{ url = \"postgresql://strata:{PASSWORD}@127.0.0.1:{}/postgres\", table = \"shop.customers\" }}",
            pg.port
        ),
        CRITERIA,
    );
    let err = refused(
        strata().args(["run", &ws_pw, "--summary", "/dev/null"]),
        &cache,
    );
    assert!(
        err.contains("passwords never live in the workspace"),
        "{err}"
    );
    assert!(!err.contains(PASSWORD), "{err}");
    // the server down, with no copy pulled before: named, with what to check
    drop(pg);
    let fresh = d.path().join("cache2");
    let err = refused(&mut run_quietly(&ws), &fresh);
    assert!(
        err.contains(&server) && err.contains("is the server running"),
        "{err}"
    );
    // with a copy pulled before: used, with a warning naming its age
    let o = in_cache(&mut run_quietly(&ws), &cache);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("using the rows of table shop.customers pulled"),
        "{err}"
    );
}

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn ctrl_c_in_the_middle_of_a_pull_cancels_the_query_on_the_server() {
    let pg = Server::start();
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let url = pg.url();
    // rows that come slowly: about 20 s in all unless cancelled
    let ws = customers_only(
        d.path(),
        "slow",
        &format!(
            "customers = {{ url = \"{url}\", query = \"SELECT g AS id, g * 2 AS income, pg_sleep(0.0002) AS w FROM generate_series(1, 100000) g\" }}"
        ),
        "[criteria.band]\nstep = \"demographic\"\nbins = { column = \"income\", edges = [1000] }\n",
    );
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("strata"))
        .env("STRATA_CACHE_DIR", &cache)
        .env("PGPASSWORD", PASSWORD)
        .args([
            "run",
            &ws,
            "--summary",
            &d.path().join("s.json").to_string_lossy(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    ctrl_c_while_copying(&pg, child, 1);
    assert!(!d.path().join("s.json").exists());
    // no copy was kept
    let kept: Vec<_> = walk(&cache.join("pulls"));
    assert!(kept.is_empty(), "{kept:?}");
}

/// Once `copies` COPY queries run on the server, Ctrl-C `child`: it must exit with 130 (the
/// command line's cancel convention, as after Ctrl-C in any shell tool) within 15 s, saying it
/// was cancelled, and leave nothing running on the server.
pub(super) fn ctrl_c_while_copying(pg: &Server, child: std::process::Child, copies: usize) {
    let running = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (SELECT%' AND state = 'active'";
    let started = std::time::Instant::now();
    while pg.psql(running) != copies.to_string() {
        assert!(
            started.elapsed().as_secs() < 60,
            "{copies} COPY queries never ran together"
        );
        std::thread::yield_now();
    }
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("cancelled"), "{err}");
    assert!(
        started.elapsed().as_secs() < 15,
        "cancelling took {:?}",
        started.elapsed()
    );
    assert_eq!(pg.psql(running), "0");
}

/// The wizard on a database table: the title says how old the rows are, Ctrl-P pulls them
/// again (a row inserted meanwhile shows), and the terminal is given back.
#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn the_wizard_says_how_old_the_pulled_rows_are_and_ctrl_p_pulls_them_again() {
    let pg = Server::with_shop();
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let url = pg.url();
    let ws = shop_customers(d.path(), "wizard", &url);
    let cache_s = cache.to_string_lossy().to_string();
    let env = [
        ("STRATA_CACHE_DIR", cache_s.as_str()),
        ("PGPASSWORD", PASSWORD),
    ];
    let mut t = super::tui::Pty::spawn_env(&["open", &ws], 80, 24, &env);
    // just pulled: its age in seconds (how many depends on how busy the machine is)
    t.wait_for("5 customers");
    let title = t.screen().lines().next().unwrap_or_default().to_string();
    let age = title.split("· pulled ").nth(1).unwrap_or_default();
    assert!(
        age.trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(" s ago")
            && age.starts_with(|c: char| c.is_ascii_digit()),
        "{title}"
    );
    pg.psql("INSERT INTO shop.customers (id, city) VALUES (6, 'Nice')");
    t.keys("\x10");
    t.wait_for("pulled again: table shop.customers (6 rows)");
    t.wait_for("6 customers");
    t.keys("q");
    let (code, raw) = t.finish();
    assert_eq!(code, 0, "{}", text(&raw));
    // the terminal is given back: the alternate screen left
    assert!(
        raw.windows(8).any(|w| w == b"\x1b[?1049l"),
        "{}",
        text(&raw)
    );
}

/// Two summaries say the same: every field equal, numbers within 1e-9 (relative to their size).
fn same_summary(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                "{at}: {x} against {y}"
            );
        }
        (Value::Object(x), Value::Object(y)) => {
            let (kx, ky): (Vec<_>, Vec<_>) = (x.keys().collect(), y.keys().collect());
            assert_eq!(kx, ky, "{at}");
            for (k, v) in x {
                same_summary(v, &y[k], &format!("{at}.{k}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: {a} against {b}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                same_summary(v, w, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

/// The valuation the in-database tests ask for: a cost, a measure of each kind.
const VALUATION: &str = r#"
[valuation]
cost = "2.5 + 0.1 * orders"
min_customer_share = 0.25

[valuation.measures]
avg_orders = { mean = "orders" }
revenue_sum = { sum = "revenue" }
vip_share = { share = "vip" }
"#;

#[test]
#[ignore = "needs PostgreSQL server binaries (apt install postgresql)"]
fn in_database_writes_what_a_local_run_writes_and_into_replaces_a_table() {
    let pg = Server::with_shop();
    let d = tempfile::tempdir().unwrap();
    let cache = d.path().join("cache");
    let url = pg.url();
    let ws = write(
        d.path(),
        "shop.strata.toml",
        format!(
            "version = 1\n\n[data]\nas_of = \"2025-01-01\"\n\
             customers = {{ url = \"{url}\", table = \"shop.customers\" }}\n\
             orders = {{ url = \"{url}\", query = \"SELECT * FROM shop.orders\" }}\n\
             {RULES}{CRITERIA}\n[criteria.buyers]\nstep = \"purchase_history\"\n\
             segments = [{{ name = \"two_plus\", when = \"orders >= 2\" }}, {{ name = \"any\", when = \"orders >= 1\" }}]\n\
             [criteria.days]\nstep = \"psychographic\"\n\
             segments = [{{ name = \"joined_by_june\", when = \"joined <= DATE '2021-06-30'\" }}, {{ name = \"seen_new_year\", when = \"seen = DATE '2023-01-01'\" }}]\n\
             {VALUATION}"
        )
        .as_bytes(),
    );
    let run = |extra: &[&str], tag: &str| {
        let (out, sum) = (
            d.path().join(format!("{tag}.csv")),
            d.path().join(format!("{tag}.json")),
        );
        let o = in_cache(
            strata()
                .env("PGPASSWORD", PASSWORD)
                .args(["run", &ws, "--out", &out.to_string_lossy()])
                .args([
                    "--summary",
                    &sum.to_string_lossy(),
                    "--with",
                    "revenue,recency_days",
                ])
                .args(extra),
            &cache,
        );
        assert!(o.status.success(), "{tag}: {}", text(&o.stderr));
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&sum).unwrap()).unwrap();
        (
            std::fs::read_to_string(&out).unwrap(),
            summary,
            text(&o.stderr),
        )
    };
    let (local, local_sum, _) = run(&[], "local");
    // nothing is pulled for the server's run: a fresh cache stays empty
    let _ = std::fs::remove_dir_all(&cache);
    let (there, there_sum, _) = run(&["--in-database"], "there");
    assert_eq!(there, local);
    same_summary(&there_sum, &local_sum, "summary");
    assert!(!cache.join("pulls").exists());
    // a user who may not make temporary tables: the queries compute everything each, the same
    pg.psql(
        "CREATE ROLE reader LOGIN PASSWORD 'r3ader-pw'; GRANT USAGE ON SCHEMA shop TO reader;
         GRANT SELECT ON ALL TABLES IN SCHEMA shop TO reader;
         REVOKE TEMPORARY ON DATABASE postgres FROM PUBLIC;",
    );
    let ws_reader = write(
        d.path(),
        "reader.strata.toml",
        std::fs::read_to_string(&ws)
            .unwrap()
            .replace("postgresql://strata@", "postgresql://reader@")
            .as_bytes(),
    );
    let (out, sum) = (d.path().join("reader.csv"), d.path().join("reader.json"));
    let o = in_cache(
        strata()
            .env("PGPASSWORD", "r3ader-pw")
            .args([
                "run",
                &ws_reader,
                "--in-database",
                "--out",
                &out.to_string_lossy(),
            ])
            .args([
                "--summary",
                &sum.to_string_lossy(),
                "--with",
                "revenue,recency_days",
            ]),
        &cache,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), local);
    let reader_sum: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sum).unwrap()).unwrap();
    same_summary(&reader_sum, &local_sum, "summary without temporary tables");
    // overlapping rules are counted there as here
    let buyers = &local_sum["criteria"][3]["exclusivity"];
    assert_eq!(buyers["multi_matched"], 2, "{buyers}");
    // --into: the membership as a table on the server, replaced on the next run
    pg.psql("CREATE TABLE public.segments (old integer)");
    let (_, _, err) = run(&["--in-database", "--into", "public.segments"], "into");
    assert!(err.contains("wrote 5 rows to public.segments"), "{err}");
    let rows = pg.psql(
        "SELECT string_agg(customer_id || ':' || income_band || ':' || kind || ':' || buyers, ' ' ORDER BY customer_id) FROM public.segments",
    );
    let want: Vec<String> = local
        .lines()
        .skip(1)
        .map(|l| {
            let f = split_csv(l);
            format!("{}:{}:{}:{}", f[0], f[1], f[3], f[4])
        })
        .collect();
    assert_eq!(rows, want.join(" "));
    // what has no SQL form is refused, naming the rule
    std::fs::write(
        &ws,
        std::fs::read_to_string(&ws)
            .unwrap()
            .replace("when = \"orders >= 1\"", "when = \"predicted_value > 1\""),
    )
    .unwrap();
    let err = refused(
        strata()
            .env("PGPASSWORD", PASSWORD)
            .args(["run", &ws, "--in-database"]),
        &cache,
    );
    assert!(
        err.contains("criteria.buyers reads predicted_value"),
        "{err}"
    );
    // a customer id twice stops it, as it stops a local run
    pg.psql("CREATE TABLE shop.dups AS SELECT * FROM shop.customers UNION ALL SELECT * FROM shop.customers WHERE id = 1");
    std::fs::write(
        &ws,
        std::fs::read_to_string(&ws)
            .unwrap()
            .replace("when = \"predicted_value > 1\"", "when = \"orders >= 1\"")
            .replace("table = \"shop.customers\"", "table = \"shop.dups\""),
    )
    .unwrap();
    let err = refused(
        strata()
            .env("PGPASSWORD", PASSWORD)
            .args(["run", &ws, "--in-database"]),
        &cache,
    );
    assert!(
        err.contains("data.customers holds 1 repeated customer ids"),
        "{err}"
    );
}

/// The fields of one CSV line (quotes as the membership writer writes them).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// The benchmark segmentation (RFM scores, windows, maps, overlapping rules) at 10 k customers:
/// `--in-database` writes the membership the files give, and a summary within 1e-9.
#[test]
#[ignore = "needs PostgreSQL server binaries, the bench kit (STRATA_BENCH) and Python with numpy (STRATA_PYTHON)"]
fn in_database_equals_the_local_run_on_the_bench_kit() {
    let python = duckdb_python();
    let bench = bench_kit();
    let d = tempfile::tempdir().unwrap();
    kit_10k(&python, &bench, d.path());
    let pg = Server::start();
    pg.psql(include_str!("../../benches/kit_tables.sql"));
    pg.load_csv("kit.customers", &d.path().join("customers.csv"));
    pg.load_csv("kit.orders", &d.path().join("orders.csv"));
    let files = std::fs::read_to_string(bench.join("bench.strata.toml")).unwrap();
    write(d.path(), "files.strata.toml", files.as_bytes());
    let url = pg.url();
    let on_server = files
        .replace(
            "customers = \"customers.csv\"",
            &format!("customers = {{ url = \"{url}\", table = \"kit.customers\" }}"),
        )
        .replace(
            "orders = \"orders.csv\"",
            &format!("orders = {{ url = \"{url}\", table = \"kit.orders\" }}"),
        );
    assert_ne!(on_server, files);
    write(d.path(), "server.strata.toml", on_server.as_bytes());
    let cache = d.path().join("cache");
    let run = |ws: &str, extra: &[&str]| {
        let (out, sum) = (
            d.path().join(format!("{ws}.csv")),
            d.path().join(format!("{ws}.json")),
        );
        let o = in_cache(
            strata()
                .env("PGPASSWORD", PASSWORD)
                .arg("run")
                .arg(d.path().join(format!("{ws}.strata.toml")))
                .args([
                    "--out",
                    &out.to_string_lossy(),
                    "--summary",
                    &sum.to_string_lossy(),
                ])
                .args(extra),
            &cache,
        );
        assert!(o.status.success(), "{ws}: {}", text(&o.stderr));
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&sum).unwrap()).unwrap();
        (std::fs::read_to_string(&out).unwrap(), summary)
    };
    let (local, local_sum) = run("files", &[]);
    let (there, there_sum) = run("server", &["--in-database"]);
    assert_eq!(local.lines().count(), 10_001);
    assert!(
        there == local,
        "the membership differs from the local run's"
    );
    same_summary(&there_sum, &local_sum, "summary");
}
