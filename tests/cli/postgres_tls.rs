//! TLS to PostgreSQL as the url's `sslmode` says, against a throwaway server that takes TCP
//! logins over TLS only, with a certificate from an authority made for the test.

use super::postgres::{PASSWORD, SCHEMA, Server, in_cache, refused, shop_customers, text};
use super::*;

const NEEDS: &str = "needs PostgreSQL server binaries and openssl (apt install postgresql openssl)";

/// Run `openssl` with `args` in `dir`; it must succeed.
fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("this test {NEEDS}: openssl: {e}"));
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A certificate authority `name`.crt (and its key) in `dir`.
fn authority(dir: &Path, name: &str) {
    let (key, crt) = (format!("{name}.key"), format!("{name}.crt"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &crt,
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
        ],
    );
}

/// The server's key and certificate for the name `localhost` only, signed by `ca` in `dir`;
/// the server's options to use them.
fn server_certificate(dir: &Path) -> String {
    authority(dir, "ca");
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ],
    );
    // the server refuses a key others can read
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    format!(
        "-c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
        dir.join("server.crt").display(),
        dir.join("server.key").display()
    )
}

#[test]
#[ignore = "needs PostgreSQL server binaries and openssl (apt install postgresql openssl)"]
fn tls_follows_sslmode_against_a_server_that_takes_tls_only() {
    let pg = Server::start_with(server_certificate, true);
    pg.psql(SCHEMA);
    let d = tempfile::tempdir().unwrap();
    let ca = pg.dir.path().join("ca.crt");
    authority(d.path(), "stranger");
    let stranger = d.path().join("stranger.crt");
    let port = pg.port;
    let mut round = 0;
    // a workspace over the server's customers at `host` with the url's `query`, in a cache
    // of its own
    let mut case = |host: &str, query: String| {
        round += 1;
        let url = format!("postgresql://strata@{host}:{port}/postgres?{query}");
        let ws = shop_customers(d.path(), &format!("tls{round}"), &url);
        let summary = d.path().join(format!("summary{round}.json"));
        let mut c = strata();
        c.env("PGPASSWORD", PASSWORD)
            .args(["run", &ws, "--summary"])
            .arg(&summary);
        (c, d.path().join(format!("cache{round}")), summary)
    };
    let pulled = |(mut c, cache, summary): (assert_cmd::Command, PathBuf, PathBuf)| {
        let o = in_cache(&mut c, &cache);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
        assert_eq!(s["customers"], 5, "{s}");
    };
    let failed =
        |(mut c, cache, _): (assert_cmd::Command, PathBuf, PathBuf)| refused(&mut c, &cache);
    let server = format!("127.0.0.1:{port}/postgres");

    // the certificate checked against the test's authority and the name in it
    let root = format!("sslrootcert={}", ca.display());
    pulled(case("localhost", format!("sslmode=verify-full&{root}")));
    // encrypted, the certificate not checked (libpq's `require`), and `prefer` finding TLS
    pulled(case("127.0.0.1", "sslmode=require".into()));
    pulled(case("127.0.0.1", "sslmode=prefer".into()));
    // `verify-ca` checks the authority, not the name: the address is not in the certificate
    pulled(case("127.0.0.1", format!("sslmode=verify-ca&{root}")));

    // without encryption the server has no login for us, and says so
    let err = failed(case("127.0.0.1", "sslmode=disable".into()));
    assert!(err.contains(&server), "{err}");
    assert!(err.contains("no encryption"), "{err}");
    assert!(
        err.contains("only encrypted connections, set sslmode=require"),
        "{err}"
    );
    // a certificate from an authority not trusted, or for another name, is refused
    let err = failed(case(
        "localhost",
        format!("sslmode=verify-full&sslrootcert={}", stranger.display()),
    ));
    assert!(err.contains("localhost:"), "{err}");
    assert!(
        err.contains("not signed by an authority trusted here"),
        "{err}"
    );
    let err = failed(case("127.0.0.1", format!("sslmode=verify-full&{root}")));
    assert!(err.contains(&server), "{err}");
    assert!(err.contains("certificate is for another name"), "{err}");
    assert!(!err.contains(PASSWORD), "{err}");
}
