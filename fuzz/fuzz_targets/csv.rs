//! Fuzz target: any bytes as a delimited file (plain or gzip) load with typed columns or give a
//! clear error, never a panic; whatever the typed reader takes, it reads exactly as the general
//! path does (polars text, then inference); a loaded table can be profiled and audited.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::engine::data::audit::audit_table;
use strata::engine::data::{
    ReadOptions, TextEncoding, load_delimited_bytes, load_delimited_bytes_general,
};

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("fuzz.csv");
    for enc in [TextEncoding::Utf8, TextEncoding::Latin1] {
        let opts = ReadOptions {
            encoding: enc,
            ..Default::default()
        };
        let typed = load_delimited_bytes(path, data.to_vec(), &opts);
        let general = load_delimited_bytes_general(path, data.to_vec(), &opts);
        match (&typed, &general) {
            (Ok(a), Ok(b)) => {
                // the general path makes blank lines at the end into empty rows; the typed one skips them
                let rows = (0..b.df.height())
                    .rev()
                    .find(|&r| b.df.columns().iter().any(|c| !c.get(r).map(|v| v.is_null()).unwrap_or(true)))
                    .map_or(0, |r| r + 1);
                let b_df = b.df.head(Some(rows));
                if a.df.height() == rows {
                    assert!(a.df.equals_missing(&b_df), "typed {:?}\ngeneral {:?}", a.df, b_df);
                    assert_eq!(a.kinds, b.kinds);
                }
            }
            (Err(_), Err(_)) => {}
            // polars takes text that starts like zlib or zstd data for compressed input and
            // fails; the typed reader reads it as the text it is
            (Ok(_), Err(e)) if e.to_string().contains("deflate") => {}
            (a, b) => panic!("typed and general paths disagree: {:?} / {:?}", a.as_ref().err(), b.as_ref().err()),
        }
        if let Ok(t) = typed {
            let _ = audit_table(&t, None);
        }
    }
});
