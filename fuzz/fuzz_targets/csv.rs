//! Fuzz target: any bytes as a delimited file (plain or gzip) load with typed columns or give a
//! clear error, never a panic; a loaded table can be profiled and audited.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::engine::data::audit::audit_table;
use strata::engine::data::{ReadOptions, TextEncoding, load_delimited_bytes};

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("fuzz.csv");
    for enc in [TextEncoding::Utf8, TextEncoding::Latin1] {
        let opts = ReadOptions {
            encoding: enc,
            ..Default::default()
        };
        if let Ok(t) = load_delimited_bytes(path, data.to_vec(), &opts) {
            let _ = audit_table(&t, None);
        }
    }
});
