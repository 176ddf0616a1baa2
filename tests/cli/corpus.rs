//! The broken-data corpus, made by the test itself: every command on every file either works
//! (saying how it read the data) or fails with exit 1 and an `error:` naming the file; never a
//! panic, and a failed command leaves no output file behind.

use super::*;

/// (file name, bytes): each with a header `id,x` unless the point is not to have one.
pub(super) fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all("id,x\n".repeat(2000).as_bytes()).unwrap();
        let full = e.finish().unwrap();
        full[..full.len() / 2].to_vec()
    };
    let big = format!("id,x\n1,\"{}\"\n2,b\n", "y".repeat(5 << 20)).into_bytes();
    vec![
        ("empty.csv", b"".to_vec()),
        ("header_only.csv", b"id,x\n".to_vec()),
        ("ragged.csv", b"id,x\n1,a\n2,b,c\n".to_vec()),
        ("bad_utf8.csv", b"id,x\n1,Riga\n2,\xff\xfeX\n".to_vec()),
        ("latin1.csv", b"id,x\n1,K\xf8benhavn\n".to_vec()),
        ("bom.csv", b"\xef\xbb\xbfid,x\n1,a\n2,b\n".to_vec()),
        ("crlf.csv", b"id,x\r\n1,a\r\n2,b\r\n".to_vec()),
        ("trunc.csv.gz", gz),
        ("noise.parquet", b"\x00\x01not parquet at all".to_vec()),
        ("noise.xlsx", b"PK\x03\x04 not really a zip".to_vec()),
        ("big_field.csv", big),
        (
            "numbers.csv",
            b"id,x\n1,1e400\n2,NaN\n3,thirty\n4,12\n".to_vec(),
        ),
        ("dup_ids.csv", b"id,x\n1,a\n1,b\n2,c\n".to_vec()),
        ("missing_ids.csv", b"id,x\n1,a\n,b\n3,c\n".to_vec()),
        (
            "dates.csv",
            b"id,x\n1,2024-01-31\n2,31/01/2024\n3,Jan 31 2024\n".to_vec(),
        ),
        (
            "escapes.csv",
            b"id,x\n1,\"\x1b[2J\x1b]0;pwned\x07\"\n2,\"a\nb\"\n3,\xe2\x80\xaeevil\n".to_vec(),
        ),
    ]
}

/// A workspace in `dir` reading the corpus file `name` as its customers, with one criterion.
pub(super) fn corpus_workspace(dir: &Path, name: &str) -> String {
    write(
        dir,
        "w.strata.toml",
        format!(
            "version = 1\n[data]\ncustomers = {name:?}\n[columns]\ncustomer_id = \"id\"\n[criteria.c]\nstep = \"psychographic\"\nsegments = [ {{ name = \"all\", when = \"TRUE\" }} ]\n"
        )
        .as_bytes(),
    )
}

#[test]
fn every_command_on_every_broken_file() {
    let d = tempfile::tempdir().unwrap();
    for (name, bytes) in corpus() {
        let dir = d.path().join(name.replace('.', "_"));
        std::fs::create_dir_all(&dir).unwrap();
        let data = write(&dir, name, &bytes);
        let ws = corpus_workspace(&dir, name);
        let out = |f: &str| dir.join(f).to_string_lossy().to_string();
        let commands: Vec<Vec<String>> = vec![
            vec!["audit".into(), data.clone()],
            vec!["check".into(), ws.clone()],
            vec!["run".into(), ws.clone(), "--summary".into(), out("s.json")],
            vec!["run".into(), ws.clone(), "--out".into(), out("m.csv")],
            vec!["sql".into(), ws.clone(), "-o".into(), out("q.sql")],
            vec!["report".into(), ws.clone(), "-o".into(), out("r.html")],
            vec![
                "export".into(),
                ws.clone(),
                "--segment".into(),
                "c=all".into(),
                "-o".into(),
                out("e.csv"),
            ],
        ];
        for args in commands {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, stdout, err) = run(&a);
            assert!(
                code == 0 || code == 1,
                "{name} {}: exit {code}: {err}",
                a[0]
            );
            if code == 1 {
                assert!(err.starts_with("error: "), "{name} {}: {err}", a[0]);
                assert!(
                    err.contains(name) || err.contains("w.strata.toml"),
                    "{name} {}: the error must name the file: {err}",
                    a[0]
                );
                // nothing half-written is left behind
                if let Some(o) = args
                    .last()
                    .filter(|o| o.starts_with(&dir.to_string_lossy().to_string()))
                    && !o.ends_with(".toml")
                    && !o.ends_with(name)
                {
                    assert!(!Path::new(o).exists(), "{name} {}: {o} left behind", a[0]);
                }
            }
            // no terminal escape from the data reaches the terminal
            assert!(
                !stdout.contains('\x1b') && !err.contains('\x1b'),
                "{name} {}",
                a[0]
            );
        }
        let leftovers: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
    }
}

/// Every input the fuzzers kept (`fuzz/corpus-*.tar.gz`), replayed through the same checks as
/// the fuzz targets, so a regression shows in `cargo test` without a nightly build.
#[test]
fn fuzz_corpora_replay_without_panics() {
    use strata::engine::data::{
        ReadOptions, TextEncoding, audit::audit_table, load_delimited_bytes,
        load_delimited_bytes_general,
    };
    use strata::engine::rules::condition::parse_condition;
    use strata::engine::rules::parse::parse_workspace;
    let condition = |data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        match parse_condition(text) {
            Ok(e) => {
                for (_, d) in strata::engine::out::sql::Dialect::ALL {
                    let _ = strata::engine::out::sql::expr::print(d, &e, &|n| d.ident(n));
                }
            }
            Err(err) => {
                if let Some(p) = err.pos {
                    assert!(p >= 1 && p <= text.chars().count() + 1, "{p} in {text:?}");
                }
            }
        }
    };
    let workspace = |data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let path = Path::new("/nonexistent/fuzz.strata.toml");
        if let Ok(ws) = parse_workspace(path, text) {
            let _ = strata::engine::rules::check::check(&ws);
        }
    };
    let csv = |data: &[u8]| {
        for encoding in [TextEncoding::Utf8, TextEncoding::Latin1] {
            let opts = ReadOptions {
                encoding,
                ..Default::default()
            };
            let path = Path::new("fuzz.csv");
            let typed = load_delimited_bytes(path, data.to_vec(), &opts);
            let general = load_delimited_bytes_general(path, data.to_vec(), &opts);
            // whatever the typed reader takes it reads as the general path does (which makes
            // blank lines at the end into empty rows)
            match (&typed, &general) {
                (Ok(a), Ok(b)) if a.df.height() <= b.df.height() => {
                    let b_df = b.df.head(Some(a.df.height()));
                    assert!(a.df.equals_missing(&b_df), "{data:?}");
                    assert_eq!(a.kinds, b.kinds, "{data:?}");
                }
                (Err(_), Err(_)) => {}
                // polars takes text that starts like zlib or zstd data for compressed input and
                // fails; the typed reader reads it as the text it is
                (Ok(_), Err(e)) if e.to_string().contains("deflate") => {}
                _ => panic!(
                    "typed and general paths disagree on {data:?}: {:?} / {:?}",
                    typed
                        .as_ref()
                        .map(|t| t.df.height())
                        .map_err(|e| e.to_string()),
                    general
                        .as_ref()
                        .map(|t| t.df.height())
                        .map_err(|e| e.to_string())
                ),
            }
            if let Ok(t) = typed {
                let _ = audit_table(&t, None);
            }
        }
    };
    type Check<'a> = &'a dyn Fn(&[u8]);
    let checks: [(&str, Check); 3] = [
        ("condition", &condition),
        ("workspace", &workspace),
        ("csv", &csv),
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, check) in checks {
        let f = std::fs::File::open(root.join(format!("fuzz/corpus-{name}.tar.gz"))).unwrap();
        let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
        let mut n = 0;
        for e in ar.entries().unwrap() {
            let mut e = e.unwrap();
            if !e.header().entry_type().is_file() {
                continue;
            }
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut data).unwrap();
            check(&data);
            n += 1;
        }
        assert!(n > 100, "{name}: only {n} inputs");
    }
}
